using System.Diagnostics;
using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Topology;

/// <summary>
/// The Procore client's spans and metrics through the OpenTelemetry SDK with in-memory exporters, against a loopback
/// fake Procore that answers one 429: the figures are there, and no marker secret or token appears anywhere.
/// </summary>
/// <remarks>In the app-host collection: Hangfire keeps a process-wide log provider that hosted apps set and dispose.</remarks>
[Collection(ProcoreAdmin.Tests.Web.Hosting.AppCollection.Name)]
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly string _secret = $"TESTSECRET-{Guid.NewGuid()}";
    private readonly string _token = $"TESTTOKEN-{Guid.NewGuid()}";
    private int _meCalls;
    private WebApplication _procore = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _procore = builder.Build();
        _procore.MapPost("/sim/oauth/token", async ctx =>
        {
            var form = await ctx.Request.ReadFormAsync();
            if (form["client_secret"] != _secret)
            {
                ctx.Response.StatusCode = 401;
                return;
            }

            await ctx.Response.WriteAsJsonAsync(new { access_token = _token, token_type = "bearer", expires_in = 5400, created_at = 0 });
        });
        _procore.MapGet("/sim/rest/v1.0/me", async ctx =>
        {
            ctx.Response.Headers["X-Rate-Limit-Limit"] = "3600";
            ctx.Response.Headers["X-Rate-Limit-Reset"] = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString();
            if (Interlocked.Increment(ref _meCalls) == 1)
            {
                ctx.Response.Headers["X-Rate-Limit-Remaining"] = "0";
                ctx.Response.Headers.RetryAfter = "0";
                ctx.Response.StatusCode = 429;
                return;
            }

            ctx.Response.Headers["X-Rate-Limit-Remaining"] = "3541";
            await ctx.Response.WriteAsync("""{"id":9000000000,"login":"svc@x.example","name":"Svc"}""");
        });
        await _procore.StartAsync();
    }

    public async Task DisposeAsync() => await _procore.DisposeAsync();

    [Fact]
    public async Task ProcoreClient_TokenFetch429AndRetry_AreTracedAndMeasuredWithoutSecrets()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var logs = new List<LogRecord>();
        var services = new ServiceCollection()
            .AddLogging(l => l.AddOpenTelemetry(o => { o.IncludeFormattedMessage = true; o.AddInMemoryExporter(logs); }))
            .AddProcoreClient();
        services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(ProcoreTelemetry.Name).AddHttpClientInstrumentation().AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddMeter(ProcoreTelemetry.Name).AddInMemoryExporter(metrics));
        await using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var credentialKey = $"cred-{Guid.NewGuid():N}";
        var credential = new ProcoreCredential(credentialKey, ProcoreEnvironment.Custom, "cid", _ => ValueTask.FromResult(_secret),
            new Uri(_procore.Urls.First() + "/sim/"), new Uri(_procore.Urls.First() + "/sim/"));
        var client = provider.GetRequiredService<IProcoreClient>();

        var me = await client.GetMeAsync(credential, 598134325694431);
        Assert.Equal(9000000000, me.Id);
        provider.GetRequiredService<TracerProvider>().ForceFlush();
        provider.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Contains(spans, s => s.DisplayName == "procore.token_fetch" && (string?)s.GetTagItem("procore.credential_key") == credentialKey);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client);
        Assert.Equal(1, Sum(metrics, "procore.client.token_fetches", credentialKey));
        Assert.Equal(1, Sum(metrics, "procore.client.rate_limited", credentialKey));
        Assert.True(Sum(metrics, "procore.client.retries", null) >= 1);
        Assert.Equal(3541, Last(metrics, "procore.client.rate_limit.remaining", credentialKey));

        var everything = Dump(spans, metrics, logs);
        Assert.DoesNotContain(_secret, everything);
        Assert.DoesNotContain(_token, everything);
        Assert.Contains(credentialKey, everything); // the dump is real: it holds what the spans carry
    }

    [Fact]
    public void HangfireJob_Run_IsItsOwnTraceAndTheAuditCorrelationIdIsItsTraceId()
    {
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(new SilentHangfireLog());
        var spans = new List<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(JobTracingFilter.SourceName).AddInMemoryExporter(spans).Build();
        using var storage = new InMemoryStorage();
        var seen = new List<string?>();
        TracedJob.Seen = seen;
        using var outer = new Activity("an enclosing request").Start();

        var performer = new BackgroundJobPerformer(Filters(), new SimpleActivator());
        var jobId = new BackgroundJobClient(storage).Enqueue<TracedJob>(j => j.Run());
        var job = storage.GetConnection().GetJobData(jobId).Job;
        performer.Perform(new PerformContext(storage, storage.GetConnection(), new Hangfire.BackgroundJob(jobId, job, DateTime.UtcNow), new JobCancellationToken(false)));

        var span = Assert.Single(spans);
        Assert.Equal("hangfire.job TracedJob.Run", span.DisplayName);
        Assert.Equal(jobId, span.GetTagItem("hangfire.job.id"));
        Assert.NotEqual(outer.TraceId, span.TraceId);
        Assert.Equal([span.TraceId.ToString()], seen);
    }

    private static JobFilterCollection Filters()
    {
        var filters = new JobFilterCollection();
        filters.Add(new JobTracingFilter());
        return filters;
    }

    private static double Sum(List<Metric> metrics, string name, string? credentialKey) =>
        Points(metrics, name, credentialKey).Select(p => (double)p.GetSumLong()).LastOrDefault();

    private static double Last(List<Metric> metrics, string name, string credentialKey) =>
        Points(metrics, name, credentialKey).Select(p => (double)p.GetGaugeLastValueLong()).LastOrDefault();

    private static IEnumerable<MetricPoint> Points(List<Metric> metrics, string name, string? credentialKey)
    {
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var matches = credentialKey is null;
                foreach (var tag in point.Tags)
                {
                    matches |= tag.Key == "procore.credential_key" && (string?)tag.Value == credentialKey;
                }

                if (matches)
                {
                    yield return point;
                }
            }
        }
    }

    private static string Dump(List<Activity> spans, List<Metric> metrics, List<LogRecord> logs)
    {
        var parts = new List<string>();
        foreach (var span in spans)
        {
            parts.Add(span.DisplayName);
            parts.AddRange(span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            parts.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")));
            parts.Add(span.StatusDescription ?? "");
        }

        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    parts.Add($"{metric.Name}:{tag.Key}={tag.Value}");
                }
            }
        }

        foreach (var log in logs)
        {
            parts.Add(log.FormattedMessage ?? "");
            parts.AddRange(log.Attributes?.Select(a => $"{a.Key}={a.Value}") ?? []);
        }

        return JsonSerializer.Serialize(parts);
    }

    public sealed class TracedJob
    {
        public static List<string?> Seen { get; set; } = [];

        public void Run() => Seen.Add(Activity.Current?.TraceId.ToString());
    }

    private sealed class SilentHangfireLog : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
    {
        public Hangfire.Logging.ILog GetLogger(string name) => this;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }

    private sealed class SimpleActivator : JobActivator
    {
        public override object ActivateJob(Type jobType) => Activator.CreateInstance(jobType)!;
    }
}

using System.Diagnostics;
using Hangfire.Server;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>
/// Traces, metrics and logs through the OpenTelemetry .NET SDK: ASP.NET Core, HttpClient and EF Core instrumentation,
/// the Procore client's own source and meter, and one trace per Hangfire job run. Exported over OTLP when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set (with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c> as usual); without it nothing is exported and the overhead is the in-process listeners.
/// No attribute carries a secret, a token or a query string value: SQL is recorded without parameter values, URLs
/// without their query, and the Procore client tags only our credential key.
/// </summary>
public static class TelemetrySetup
{
    public const string ServiceName = "procoreadmin";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = false;
            if (otlp)
            {
                logging.AddOtlpExporter();
            }
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(ProcoreTelemetry.Name, JobTracingFilter.SourceName, "Microsoft.AspNetCore.Components")
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/_framework"))
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ProcoreTelemetry.Name, "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }
}

/// <summary>
/// Every Hangfire job run is its own trace (<c>hangfire.job</c>): started before the job method runs, so the job's SQL,
/// Procore calls and audit rows (whose correlation id is the trace id) belong to it. Tags: job id, type and method,
/// never the arguments.
/// </summary>
public sealed class JobTracingFilter : IServerFilter
{
    public const string SourceName = "ProcoreAdmin.Jobs";
    private const string ItemKey = "procoreadmin.activity";

    public static readonly ActivitySource Source = new(SourceName);

    public void OnPerforming(PerformingContext context)
    {
        // A new root: the job does not belong to whichever request enqueued it.
        Activity.Current = null;
        var job = context.BackgroundJob.Job;
        var activity = Source.StartActivity($"hangfire.job {job.Type.Name}.{job.Method.Name}", ActivityKind.Internal, parentContext: default);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("hangfire.job.id", context.BackgroundJob.Id);
        activity.SetTag("hangfire.job.type", job.Type.FullName);
        activity.SetTag("hangfire.job.method", job.Method.Name);
        context.Items[ItemKey] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var value) && value is Activity activity)
        {
            if (context.Exception is { } ex && !context.ExceptionHandled)
            {
                // The type only: a message could quote data.
                activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            }

            activity.Dispose();
            context.Items.Remove(ItemKey);
        }
    }
}

using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Web.Features.Projects;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Projects;

/// <summary>
/// The projects export against the simulator: filters applied, 300-row pages, resumable after an interruption, a
/// one-time download, and complete under a quota shared with another caller of the same app (time-scaled windows).
/// </summary>
public sealed class ProjectExportTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private ProcoreFeatureHarness _harness = null!;
    private ServiceProvider _services = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        // Time-scaled: a spike window of 1 s (25 requests) instead of 10 s, so CI stays fast; the hourly window is large.
        _harness = await ProcoreFeatureHarness.StartAsync(seed =>
            seed.RateLimits = new RateLimitSeed { Spike = 25, SpikeWindowSeconds = 1, Hourly = 100_000, HourlyWindowSeconds = 3600 });
        var services = new ServiceCollection();
        _harness.AddServices(services, StaffRoles.Operator, client: o =>
        {
            o.MaxRateLimitRetries = 50;
            o.MaxTransientRetries = 3;
            o.JitterSeed = 11;
            o.MaxJitter = TimeSpan.FromMilliseconds(20);
            o.SpikeWindow = TimeSpan.FromSeconds(1); // the simulator's time-scaled window
        });
        _services = services.BuildServiceProvider();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _services.DisposeAsync();
        await _harness.DisposeAsync();
    }

    private ProjectExportService Exports(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<ProjectExportService>();

    private ProjectExportStore Store => _services.GetRequiredService<ProjectExportStore>();

    private static ProjectExportRequest Request(long company, string? name = null, ProjectStatusFilter status = ProjectStatusFilter.All) =>
        new(FakeCredentialDirectory.Demo.CredentialId, company, name, status);

    private async Task<string> DownloadAsync(ProjectExportRun run)
    {
        var token = run.DownloadUrl![ProjectsExportEndpoint.Prefix.Length..];
        var job = Store.TakeDownload(token, run.Job.OwnerIssuer, run.Job.OwnerSubject);
        Assert.NotNull(job);
        await using var stream = ProjectExportStore.OpenForDownload(job);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        var bytes = memory.ToArray();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
    }

    private static long[] Ids(string csv) =>
        [.. csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => long.Parse(line.Split(',')[0], CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Export_WithASearch_ExportsOnlyTheMatchingProjects()
    {
        using var scope = _services.CreateScope();

        var run = await Exports(scope).StartAsync(FakeCredentialDirectory.Demo, Request(FakeCredentialDirectory.Contoso, "Tower"), null, CancellationToken.None);

        var csv = await DownloadAsync(run);
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        Assert.Contains("Harbor Tower", rows[1], StringComparison.Ordinal);
        Assert.All(_harness.ApiRequests("/rest/v1.1/projects"), r => Assert.Contains("filters[name]=Tower", Uri.UnescapeDataString(r.Query), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_Download_WorksOnceAndOnlyForWhoeverStartedIt()
    {
        using var scope = _services.CreateScope();
        var run = await Exports(scope).StartAsync(FakeCredentialDirectory.Demo, Request(FakeCredentialDirectory.Contoso), null, CancellationToken.None);
        var token = run.DownloadUrl![ProjectsExportEndpoint.Prefix.Length..];

        Assert.Null(Store.TakeDownload(token, run.Job.OwnerIssuer, "someone-else"));
        var job = Store.TakeDownload(token, run.Job.OwnerIssuer, run.Job.OwnerSubject);
        Assert.NotNull(job);
        Assert.Null(Store.TakeDownload(token, run.Job.OwnerIssuer, run.Job.OwnerSubject));
        (await Task.FromResult(ProjectExportStore.OpenForDownload(job))).Dispose();
        Assert.Null(Store.Find(job.Id)); // taken: the export is gone from the store
    }

    [Fact]
    public async Task Export_10000Projects_Uses300RowPagesAndLosesNothing()
    {
        using var scope = _services.CreateScope();

        var run = await Exports(scope).StartAsync(FakeCredentialDirectory.Demo, Request(FakeCredentialDirectory.Northwind), null, CancellationToken.None);

        var ids = Ids(await DownloadAsync(run));
        Assert.Equal(10_000, ids.Length);
        Assert.Equal(10_000, ids.Distinct().Count());
        var pages = _harness.ApiRequests("/rest/v1.1/projects");
        Assert.Equal(34, pages.Count(r => r.StatusCode == 200));
        Assert.All(pages, r => Assert.Contains("per_page=300", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_UnderAQuotaSharedWithAnotherCallerAndFaults_CompletesWithFew429s()
    {
        // Another caller of the same app spends half the spike limit (12.5 of 25 per window); 5 % of pages fail with 503/500.
        _harness.Simulator.State.SetBackgroundLoad(new BackgroundLoadSeed { ClientId = FakeCredentialDirectory.DemoClientId, RequestsPerSecond = 12.5 });
        _harness.Simulator.State.SetFaults(new FaultConfiguration
        {
            Faults =
            [
                new FaultRule { Kind = FaultKind.ServiceUnavailable, Rate = 0.025, RetryAfterSeconds = 1, PathPrefix = "/rest/v1.1/projects" },
                new FaultRule { Kind = FaultKind.ServerError, Rate = 0.025, PathPrefix = "/rest/v1.1/projects" },
            ],
        });
        using var scope = _services.CreateScope();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var run = await Exports(scope).StartAsync(FakeCredentialDirectory.Demo, Request(FakeCredentialDirectory.Northwind), null, CancellationToken.None);

        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var ids = Ids(await DownloadAsync(run));
        Assert.Equal(10_000, ids.Distinct().Count());
        Assert.Equal(10_000, ids.Length);
        var requests = _harness.ApiRequests();
        var limited = requests.Count(r => r.StatusCode == 429);
        var load = _harness.Simulator.State.GetBackgroundLoad().Single();
        output.WriteLine($"requests {requests.Count}, 429 {limited}, faults {requests.Count(r => r.Fault is not null)}, wall {wall.TotalSeconds:0.00} s, " +
                         $"background sent {load.Sent} refused {load.Refused}");
        Assert.True(limited <= Math.Max(1, requests.Count * 0.02), $"{limited} of {requests.Count} requests got 429");
        Assert.True(_harness.Simulator.State.GetBackgroundLoad().Single().Sent > 0);
    }

    [Fact]
    public async Task Export_Interrupted_KeepsTheRowsAndResumesFromTheFailedPage()
    {
        using var scope = _services.CreateScope();
        var exports = Exports(scope);
        var pagesDone = 0;
        var progress = new Progress(p =>
        {
            if (p.Message is null && !p.WaitingForRateLimit && p.PagesDone > pagesDone && (pagesDone = p.PagesDone) == 3)
            {
                // From the fourth page on, Procore keeps failing: the export stops there.
                _harness.Simulator.State.SetFaults(new FaultConfiguration
                {
                    Faults = [new FaultRule { Kind = FaultKind.ServerError, Rate = 1, PathPrefix = "/rest/v1.1/projects" }],
                });
            }
        });

        var failure = await Assert.ThrowsAsync<ProcoreApiException>(() =>
            exports.StartAsync(FakeCredentialDirectory.Demo, Request(FakeCredentialDirectory.Northwind), progress, CancellationToken.None));
        Assert.Equal(ProcoreErrorKind.ServerError, failure.Kind);
        var job = Assert.IsType<ProjectExportJob>(exports.Current);
        Assert.Equal(4, job.NextPage);
        Assert.Equal(900, job.Rows);

        _harness.Simulator.State.ClearFaults();
        _harness.Simulator.State.ClearRequests();
        var run = await exports.ResumeAsync(FakeCredentialDirectory.Demo, job.Id, null, CancellationToken.None);

        var ids = Ids(await DownloadAsync(run));
        Assert.Equal(10_000, ids.Length);
        Assert.Equal(10_000, ids.Distinct().Count());
        Assert.DoesNotContain(_harness.ApiRequests("/rest/v1.1/projects"), r => r.Query.Contains("&page=1&", StringComparison.Ordinal));
    }

    private sealed class Progress(Action<ProjectExportProgress> report) : IProgress<ProjectExportProgress>
    {
        public void Report(ProjectExportProgress value) => report(value);
    }
}

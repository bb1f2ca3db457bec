using System.Diagnostics;
using System.Globalization;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Web.Features.Projects;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G3b — a shared, rolling quota. Exports the 10,000-project company while "another caller" of the same app spends 50 %
/// of the spike limit from the same per-app bucket, with rolling windows, once without faults and once with 5 % injected
/// 500/503. Limits are Procore's time-scaled 5x for CI: spike 25 per 2 s window (Procore: 25 per 10 s), hourly 3,600 per
/// 720 s (Procore: 3,600 per hour); the other caller sends 6.25 requests/s.
/// </summary>
/// <remarks>
/// The export is driven through the typed client the way the product's project export drives it (v1.1, sorted by name,
/// <see cref="ProjectExportService.PageSize"/> = 300 per page, one page request after another under
/// <see cref="ProcoreTimeBudget"/> with the client's export time budget) — not through <see cref="ProjectExportService"/>
/// itself, whose staff, audit, credential-directory and file-store dependencies are not wired here; the CSV file is not
/// written. Bars per leg: 0 missing and 0 duplicated rows, 429s ≤ 2 % of the export's requests, wall time ≤ 1.3x the
/// minimum the remaining quota allows, managed memory (harness + in-process simulator) after the leg ≤ 8 MB above before.
/// </remarks>
public sealed class G3bSharedRollingQuota : IBenchmarkGoal
{
    private const int Spike = 25;
    private const int SpikeWindowSeconds = 2;
    private const double BackgroundPerSecond = Spike * 0.5 / SpikeWindowSeconds;
    private const long MemoryGrowthBar = 8L * 1024 * 1024;

    public string Id => "G3b";

    public string Title => "Shared, rolling quota (export under another caller's load)";

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var sim = await context.GetSimulatorAsync(ct);
        context.Detail(Invariant($"time-scaled limits (5x): spike {Spike}/{SpikeWindowSeconds} s rolling (Procore 25/10 s), hourly 3600/720 s (3600/h), per-app bucket; another caller of the same app at {BackgroundPerSecond:0.00}/s = 50 % of the spike limit"));
        context.Detail(Invariant($"export path: typed client paging as the product's export does it (v1.1, sort name, {ProjectExportService.PageSize} per page, export time budget) - ProjectExportService itself is not wired in the harness"));

        var unthrottled = await UnthrottledAsync(sim, ct);
        context.Detail(Invariant($"reference (not a bar): the same export with rate limits off and no other caller takes {unthrottled.TotalSeconds:0.00} s here (load average {Machine.LoadAverage()})"));
        var clean = await RunLegAsync(context, sim, "no faults", faults: false, unthrottled, ct);
        var faulty = await RunLegAsync(context, sim, "5% 500/503", faults: true, unthrottled, ct);
        return new GoalResult(Id,
            $"no faults: {clean.Figure}; 5% 500/503: {faulty.Figure}",
            "0 missing/duplicated, 429s <= 2 % of requests, wall <= 1.3x the quota minimum, managed memory flat (<= +8 MB) per leg",
            clean.Pass && faulty.Pass);
    }

    private static async Task<Leg> RunLegAsync(BenchmarkContext context, BenchmarkSimulator sim, string name, bool faults, TimeSpan unthrottled, CancellationToken ct)
    {
        sim.Reset();
        sim.State.Configure(new SimulatorSettings
        {
            RateLimits = new RateLimitSeed
            {
                Enabled = true,
                Spike = Spike,
                SpikeWindowSeconds = SpikeWindowSeconds,
                Hourly = 3600,
                HourlyWindowSeconds = 720,
                RetryAfter = true,
                Scope = RateLimitScope.App,
                Windows = RateLimitWindows.Rolling,
            },
        });

        await using var typed = BenchmarkSimulator.CreateClient();
        var credential = sim.Credential("g3b-" + (faults ? "faults" : "clean"));
        await typed.Client.AcquireTokenAsync(credential, ct); // the token (own /oauth bucket) is not part of the export's figure

        // The other caller runs until its spend fills a whole spike window, so the export starts against a half-used bucket.
        sim.State.SetBackgroundLoad(new BackgroundLoadSeed { ClientId = BenchmarkSimulator.ClientId, RequestsPerSecond = BackgroundPerSecond });
        var warmUp = Stopwatch.StartNew();
        while (sim.State.GetBackgroundLoad().Sum(l => l.Sent) < BackgroundPerSecond * SpikeWindowSeconds * 1.5)
        {
            if (warmUp.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("The simulator's background load did not start.");
            }

            await Task.Delay(50, ct);
        }

        if (faults)
        {
            sim.State.SetFaults(new FaultConfiguration
            {
                // Deterministic, so the short export (about 36 requests) really meets them: a 500 at the 20th API request
                // and a 503 (Retry-After: 1) at the 21st (the 503 rule is not counted while the 500 fires) - 2 of ~36-40
                // requests, about 5 %. The token was fetched before the faults were set.
                Faults =
                [
                    new FaultRule { Kind = FaultKind.ServerError, Every = 20 },
                    new FaultRule { Kind = FaultKind.ServiceUnavailable, Every = 20, RetryAfterSeconds = 1 },
                ],
            });
        }

        sim.State.ClearRequests();
        var ids = new HashSet<long>();
        int rows;
        long? total;
        var waits = 0;
        var progress = SyncProgress.Create(p =>
        {
            if (p.Kind is ProcoreProgressKind.WaitingForRateLimit)
            {
                waits++;
            }
        });
        var backgroundBefore = sim.State.GetBackgroundLoad().Sum(l => l.Sent);

        var (managedBefore, workingSetBefore) = Memory();
        var watch = Stopwatch.StartNew();
        (rows, total) = await ExportAsync(typed.Client, credential, ids, progress, ct);
        watch.Stop();
        var backgroundDuring = sim.State.GetBackgroundLoad().Sum(l => l.Sent) - backgroundBefore;
        sim.State.SetBackgroundLoad(new BackgroundLoadSeed { ClientId = BenchmarkSimulator.ClientId, RequestsPerSecond = 0 });
        sim.State.ClearFaults();
        var (managedAfter, workingSetAfter) = Memory();

        var log = sim.State.GetRequests().Where(r => !r.IsTokenRequest).ToList();
        var requests = log.Count;
        var status429 = log.Count(r => r.StatusCode == 429);
        var injected = log.Count(r => r.Fault is not null);
        var counted = requests - status429; // every request let through uses quota, faulted ones included

        // Minimum: the export starts with (spike - the other caller's spend in one window) free, then gets the rest of the
        // spike rate as the rolling window frees it: (spike - background) per window.
        var freePerSecond = Spike / (double)SpikeWindowSeconds - BackgroundPerSecond;
        var freeAtStart = Math.Floor(Spike - BackgroundPerSecond * SpikeWindowSeconds);
        var minimum = TimeSpan.FromSeconds(Math.Max(0, counted - freeAtStart) / freePerSecond);
        var ratio = minimum > TimeSpan.Zero ? watch.Elapsed / minimum : double.PositiveInfinity;

        var missing = BenchmarkSimulator.ProjectCount - ids.Count;
        var duplicated = rows - ids.Count;
        var share429 = requests == 0 ? 0 : status429 / (double)requests;
        var growth = managedAfter - managedBefore;
        var pass = (!faults || injected > 0) && missing == 0 && duplicated == 0 && total == BenchmarkSimulator.ProjectCount && share429 <= 0.02 && ratio <= 1.3
                   && growth <= MemoryGrowthBar;

        context.Detail(Invariant($"[{name}] rows {rows} ({ids.Count} distinct, Total header {total}), {missing} missing, {duplicated} duplicated; requests {requests} ({status429} x 429 = {share429:P1}, {injected} injected faults, {counted} counted against the quota); client rate-limit waits {waits}; other caller sent {backgroundDuring} meanwhile"));
        var first = log.Count > 0 ? log[0].Timestamp : DateTimeOffset.MinValue;
        var notable = log.Select((r, i) => (r, i)).Where(x => x.r.StatusCode != 200)
            .Select(x => Invariant($"#{x.i + 1} {x.r.StatusCode} at +{(x.r.Timestamp - first).TotalSeconds:0.00} s"));
        context.Detail($"[{name}] non-200 responses: {string.Join(", ", notable)}");
        context.Detail(Invariant($"[{name}] wall {watch.Elapsed.TotalSeconds:0.00} s vs minimum {minimum.TotalSeconds:0.00} s ({counted} requests, {freeAtStart} free at start, then {freePerSecond:0.00}/s) = {ratio:0.00}x; vs max(minimum, unthrottled {unthrottled.TotalSeconds:0.00} s) = {watch.Elapsed / TimeSpan.FromTicks(Math.Max(minimum.Ticks, unthrottled.Ticks)):0.00}x (information only); load average {Machine.LoadAverage()}"));
        context.Detail(Invariant($"[{name}] managed heap {Mb(managedBefore)} -> {Mb(managedAfter)} MB ({(growth >= 0 ? "+" : "")}{Mb(growth)} MB), working set {Mb(workingSetBefore)} -> {Mb(workingSetAfter)} MB (harness + in-process simulator); {(pass ? "PASS" : "FAIL")}"));

        return new Leg(
            Invariant($"{missing} missing/{duplicated} dup of {rows}, 429s {status429}/{requests} = {share429:P1}, {injected} injected 5xx, wall {watch.Elapsed.TotalSeconds:0.00} s = {ratio:0.00}x min, heap {(growth >= 0 ? "+" : "")}{Mb(growth)} MB"),
            pass);
    }

    /// <summary>The export's paging: v1.1, sorted by name, 300 per page, one page after another under the export time budget.</summary>
    private static async Task<(int Rows, long? Total)> ExportAsync(IProcoreClient client, ProcoreCredential credential, HashSet<long> ids,
        IProgress<ProcoreProgress>? progress, CancellationToken ct)
    {
        var rows = 0;
        long? total = null;
        var exportBudget = new ProcoreClientOptions().ExportTimeBudget;
        using (ProcoreTimeBudget.Begin(exportBudget))
        {
            var page = 1;
            while (true)
            {
                var query = new ProjectQuery
                {
                    Version = ProjectsApiVersion.V1_1,
                    Status = ProjectStatusFilter.All,
                    Sort = ProjectSort.Name,
                    Page = page,
                    PerPage = ProjectExportService.PageSize,
                };
                var result = await client.GetProjectsPageAsync(credential, BenchmarkSimulator.CompanyId, query, ct, progress);
                foreach (var project in result.Items)
                {
                    rows++;
                    ids.Add(project.Id);
                }

                total = result.Total ?? total;
                page++;
                if (!result.HasNextPage || result.Items.Count == 0)
                {
                    break;
                }
            }
        }

        return (rows, total);
    }

    /// <summary>The same export with rate limits off and nobody else calling: what the simulator and client need without any quota.</summary>
    private static async Task<TimeSpan> UnthrottledAsync(BenchmarkSimulator sim, CancellationToken ct)
    {
        sim.Reset();
        sim.State.Configure(new SimulatorSettings { RateLimits = new RateLimitSeed { Enabled = false } });
        await using var typed = BenchmarkSimulator.CreateClient();
        var credential = sim.Credential("g3b-unthrottled");
        await typed.Client.AcquireTokenAsync(credential, ct);
        var watch = Stopwatch.StartNew();
        await ExportAsync(typed.Client, credential, [], null, ct);
        return watch.Elapsed;
    }

    private static (long Managed, long WorkingSet) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(true), process.WorkingSet64);
    }

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Leg(string Figure, bool Pass);
}

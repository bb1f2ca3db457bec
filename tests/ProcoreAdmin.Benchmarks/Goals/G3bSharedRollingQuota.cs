using System.Diagnostics;
using System.Globalization;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Web.Features.Projects;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G3b — a shared, rolling quota. Exports the 10,000-project company while "another caller" of the same app spends 50 %
/// of the spike limit from the same per-app bucket, with rolling windows, once without faults and once with 5 % injected
/// 500/503. Limits are Procore's, not time-scaled: spike 25 per 10 s rolling window, hourly 3,600 per hour; the other
/// caller sends 1.25 requests/s. (Reset, Retry-After and Date have whole-second resolution and a request takes tens of
/// milliseconds whatever the scale, so a time-scaled window would measure the scaling, not the client.)
/// </summary>
/// <remarks>
/// The export is the product's own: <see cref="ProjectExportService"/> started as the Export button starts it (v1.1,
/// sorted by name, <see cref="ProjectExportService.PageSize"/> = 300 per page, the client's export time budget, rows
/// appended to the export's CSV file), with the finished file read back through the one-time download
/// (<see cref="ExportHarness"/>). Bars per leg: 0 missing and 0 duplicated rows, 429s ≤ 2 % of the export's requests, wall
/// time ≤ 1.3x the minimum the remaining quota allows, managed memory after the leg ≤ 8 MB above before. Then the server's
/// memory during an export: peak managed heap over the start for 2,000 and 10,000 rows (rate limits off).
/// </remarks>
public sealed class G3bSharedRollingQuota : IBenchmarkGoal
{
    private const int Spike = 25;
    private const int SpikeWindowSeconds = 10;
    private const double BackgroundPerSecond = Spike * 0.5 / SpikeWindowSeconds;
    private const long MemoryGrowthBar = 8L * 1024 * 1024;
    private const long MemoryPeakBar = 4L * 1024 * 1024;
    private const long MemoryRowGrowthBar = 1L * 1024 * 1024;

    public string Id => "G3b";

    public string Title => "Shared, rolling quota (export under another caller's load)";

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var sim = await context.GetSimulatorAsync(ct);
        context.Detail(Invariant($"Procore's limits, not time-scaled: spike {Spike}/{SpikeWindowSeconds} s rolling, hourly 3600/3600 s rolling, per-app bucket; another caller of the same app at {BackgroundPerSecond:0.00}/s = 50 % of the spike limit"));
        context.Detail(Invariant($"export path: the product's ProjectExportService (as the Export button runs it: v1.1, sort name, {ProjectExportService.PageSize} per page, export time budget, CSV file, one-time download read back)"));

        var unthrottled = await UnthrottledAsync(sim, ct);
        context.Detail(Invariant($"reference (not a bar): the same export with rate limits off and no other caller takes {unthrottled.TotalSeconds:0.00} s here (load average {Machine.LoadAverage()})"));
        // An even caller at 1.25/s holds 13 of the window for 0.4 s after each of its requests and 12 for the next 0.4 s;
        // the export learns which only from Remaining, so the faulted leg (exactly three windows of 12) runs from both.
        var clean = await RunLegAsync(context, sim, "no faults", faults: false, OtherCallerAt.Higher, unthrottled, ct);
        var faulty = await RunLegAsync(context, sim, "5% 500/503", faults: true, OtherCallerAt.Higher, unthrottled, ct);
        var faultyLower = await RunLegAsync(context, sim, "5% 500/503, other caller at its lower count", faults: true, OtherCallerAt.Lower, unthrottled, ct);

        var small = await MemoryDuringExportAsync(sim, BenchmarkSimulator.SmallCompanyId, ct);
        var large = await MemoryDuringExportAsync(sim, BenchmarkSimulator.CompanyId, ct);
        var flat = large.Peak <= MemoryPeakBar && large.Peak - small.Peak <= MemoryRowGrowthBar;
        var memory = Invariant($"export memory (peak managed heap over the start, forced GC after each page): {BenchmarkSimulator.SmallProjectCount:N0} rows {Signed(small.Peak)} MB over {small.Pages} pages, {BenchmarkSimulator.ProjectCount:N0} rows {Signed(large.Peak)} MB over {large.Pages} pages (after: {Signed(large.After)} MB)");
        context.Detail(memory + Invariant($"; bar: peak <= {Mb(MemoryPeakBar)} MB and 10,000 rows <= 2,000 rows + {Mb(MemoryRowGrowthBar)} MB; {(flat ? "PASS" : "FAIL")}"));
        return new GoalResult(Id,
            $"no faults: {clean.Figure}; 5% 500/503: {faulty.Figure}; the same from the other caller's lower count: {faultyLower.Figure}; memory peak {Signed(small.Peak)} MB (2,000 rows) / {Signed(large.Peak)} MB (10,000 rows)",
            "0 missing/duplicated, 429s <= 2 % of requests, wall <= 1.3x the quota minimum per leg; export memory peak <= 4 MB and not growing with rows (+1 MB)",
            clean.Pass && faulty.Pass && faultyLower.Pass && flat);
    }

    private static async Task<Leg> RunLegAsync(BenchmarkContext context, BenchmarkSimulator sim, string name, bool faults, OtherCallerAt phase, TimeSpan unthrottled, CancellationToken ct)
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
                HourlyWindowSeconds = 3600,
                RetryAfter = true,
                Scope = RateLimitScope.App,
                Windows = RateLimitWindows.Rolling,
            },
        });

        await using var export = await ExportHarness.CreateAsync(sim, "g3b-" + (faults ? "faults" : "clean"));
        var credential = export.ProcoreCredential;
        await export.Client.AcquireTokenAsync(credential, ct); // the token (own /oauth bucket) is not part of the export's figure

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

        // Start just after one of the other caller's requests (it holds its higher count, 13) or half an interval later
        // (its lower count, 12).
        var sent = sim.State.GetBackgroundLoad().Sum(l => l.Sent);
        while (sim.State.GetBackgroundLoad().Sum(l => l.Sent) == sent)
        {
            await Task.Delay(2, ct);
        }

        if (phase == OtherCallerAt.Lower)
        {
            await Task.Delay(TimeSpan.FromSeconds(0.5 / BackgroundPerSecond), ct);
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
        var progress = new InlineProgress<ProjectExportProgress>(p =>
        {
            if (p.WaitingForRateLimit)
            {
                waits++;
            }
        });
        var backgroundBefore = sim.State.GetBackgroundLoad().Sum(l => l.Sent);
        var backgroundRefusedBefore = sim.State.GetBackgroundLoad().Sum(l => l.Refused);

        var (managedBefore, workingSetBefore) = Memory();
        var watch = Stopwatch.StartNew();
        var (job, downloaded) = await export.ExportAsync(BenchmarkSimulator.CompanyId, progress, ct);
        watch.Stop();
        rows = downloaded.Count;
        ids.UnionWith(downloaded);
        total = job.TotalRows;
        var backgroundDuring = sim.State.GetBackgroundLoad().Sum(l => l.Sent) - backgroundBefore;
        var backgroundRefused = sim.State.GetBackgroundLoad().Sum(l => l.Refused) - backgroundRefusedBefore;
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

        context.Detail(Invariant($"[{name}] rows {rows} ({ids.Count} distinct, Total header {total}), {missing} missing, {duplicated} duplicated; requests {requests} ({status429} x 429 = {share429:P1}, {injected} injected faults, {counted} counted against the quota); client rate-limit waits {waits}; other caller sent {backgroundDuring} meanwhile, {backgroundRefused} of its requests refused (information: the export leaves it its share)"));
        var first = log.Count > 0 ? log[0].Timestamp : DateTimeOffset.MinValue;
        var notable = log.Select((r, i) => (r, i)).Where(x => x.r.StatusCode != 200)
            .Select(x => Invariant($"#{x.i + 1} {x.r.StatusCode} at +{(x.r.Timestamp - first).TotalSeconds:0.00} s"));
        context.Detail($"[{name}] non-200 responses: {string.Join(", ", notable)}");
        context.Detail($"[{name}] the export's requests at (s): {string.Join(" ", log.Select(r => Invariant($"{(r.Timestamp - first).TotalSeconds:0.00}")))}");
        context.Detail(Invariant($"[{name}] wall {watch.Elapsed.TotalSeconds:0.00} s vs minimum {minimum.TotalSeconds:0.00} s ({counted} requests, {freeAtStart} free at start, then {freePerSecond:0.00}/s) = {ratio:0.00}x; vs max(minimum, unthrottled {unthrottled.TotalSeconds:0.00} s) = {watch.Elapsed / TimeSpan.FromTicks(Math.Max(minimum.Ticks, unthrottled.Ticks)):0.00}x (information only); load average {Machine.LoadAverage()}"));
        context.Detail(Invariant($"[{name}] managed heap {Mb(managedBefore)} -> {Mb(managedAfter)} MB ({(growth >= 0 ? "+" : "")}{Mb(growth)} MB), working set {Mb(workingSetBefore)} -> {Mb(workingSetAfter)} MB (harness + in-process simulator); {(pass ? "PASS" : "FAIL")}"));

        return new Leg(
            Invariant($"{missing} missing/{duplicated} dup of {rows}, 429s {status429}/{requests} = {share429:P1}, {injected} injected 5xx, other caller refused {backgroundRefused}, wall {watch.Elapsed.TotalSeconds:0.00} s = {ratio:0.00}x min, heap {(growth >= 0 ? "+" : "")}{Mb(growth)} MB"),
            pass);
    }

    /// <summary>The same export with rate limits off and nobody else calling: what the simulator and client need without any quota.</summary>
    private static async Task<TimeSpan> UnthrottledAsync(BenchmarkSimulator sim, CancellationToken ct)
    {
        sim.Reset();
        sim.State.Configure(new SimulatorSettings { RateLimits = new RateLimitSeed { Enabled = false } });
        await using var export = await ExportHarness.CreateAsync(sim, "g3b-unthrottled");
        await export.Client.AcquireTokenAsync(export.ProcoreCredential, ct);
        var watch = Stopwatch.StartNew();
        await export.ExportAsync(BenchmarkSimulator.CompanyId, null, ct);
        return watch.Elapsed;
    }

    /// <summary>
    /// Server memory while exporting: rate limits off, a full blocking GC and <see cref="GC.GetTotalMemory(bool)"/> after
    /// every page (the export reports each page synchronously), peak minus the heap before the export started.
    /// </summary>
    private static async Task<(long Peak, long After, int Pages)> MemoryDuringExportAsync(BenchmarkSimulator sim, long companyId, CancellationToken ct)
    {
        sim.Reset();
        sim.State.Configure(new SimulatorSettings { RateLimits = new RateLimitSeed { Enabled = false } });
        await using var export = await ExportHarness.CreateAsync(sim, "g3b-memory-" + companyId);
        await export.Client.AcquireTokenAsync(export.ProcoreCredential, ct);
        await export.ExportAsync(companyId, null, ct); // warm-up: JIT, connection, pools
        sim.State.ClearRequests();
        var baseline = Memory().Managed;
        var peak = baseline;
        var pages = 0;
        var progress = new InlineProgress<ProjectExportProgress>(p =>
        {
            if (p.Message is null && !p.WaitingForRateLimit)
            {
                pages++;
                peak = Math.Max(peak, Memory().Managed);
            }
        });
        await export.ExportAsync(companyId, progress, ct);
        sim.State.ClearRequests();
        return (peak - baseline, Memory().Managed - baseline, pages);
    }

    private static (long Managed, long WorkingSet) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(true), process.WorkingSet64);
    }

    private static string Signed(long bytes) => (bytes >= 0 ? "+" : "") + Mb(bytes);

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Leg(string Figure, bool Pass);

    private enum OtherCallerAt
    {
        Higher,
        Lower,
    }

    /// <summary>An IProgress that runs the handler inline.</summary>
    private sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}

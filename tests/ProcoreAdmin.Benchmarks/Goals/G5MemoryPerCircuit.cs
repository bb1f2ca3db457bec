using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using ProcoreAdmin.Benchmarks.WebApp;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G5: managed heap per circuit. 40 tabs on the light page, then 40 tabs on the projects page (Northwind, 25 rows of
/// 10,000), each heap read after a forced Gen 2 GC in this process (the app runs in-process; Chromium and the Playwright
/// driver do not). Then every tab closes and, with the retention period shortened to 5 s, circuit.active must reach 0
/// and the heap return to the pre-test baseline.
/// </summary>
public sealed class G5MemoryPerCircuit : IBenchmarkGoal
{
    public const int Circuits = 40;
    private const int OpenInParallel = 4;
    private const double DeltaBarKb = 150;
    private const double PlanningBaselineKb = 273;
    private const double TotalBarKb = 2 * PlanningBaselineKb;
    private const double ReturnBar = 1.10;

    public string Id => "G5";

    public string Title => "Memory per circuit";

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var app = await context.GetWebAppAsync(ct);
        var meters = app.Meters;
        await using var browser = await app.NewSignedInContextAsync();
        await using var threadPool = new ThreadPoolSampler();

        // Warm-up: one tab of each kind, so that JIT, MudBlazor's and the app's shared caches, the Procore token and the
        // DB pool exist before the baseline (they are per-process, not per-circuit).
        for (var i = 0; i < 2; i++)
        {
            var warm = await BenchmarkWebApp.OpenProjectsAsync(browser);
            var light = await BenchmarkWebApp.OpenLightPageAsync(browser);
            await warm.CloseAsync();
            await light.CloseAsync();
        }

        // The circuit meter is created with the first circuit, so it can only be checked now.
        if (!meters.Has(BlazorMeters.CircuitActive))
        {
            throw new InvalidOperationException($"Instrument {BlazorMeters.CircuitActive} was not published; seen: {string.Join(", ", meters.Instruments.Keys)}");
        }

        await RequireCircuitsAsync(meters, 0, "after warm-up", ct);
        var baseline = Heap(app);
        context.Detail($"baseline (0 circuits, after warm-up): heap {Mb(baseline)}");

        var lightHeap = await MeasureAsync(context, app, "light page " + BenchmarkWebApp.LightPagePath,
            () => BenchmarkWebApp.OpenLightPageAsync(browser), baseline, ct);
        var projectsHeap = await MeasureAsync(context, app, "projects page " + BenchmarkWebApp.ProjectsPath,
            () => BenchmarkWebApp.OpenProjectsAsync(browser), baseline, ct, closeAtEnd: false);

        // Close every projects tab; retention is 5 s, so circuit.active should reach 0 a few seconds later.
        var pages = browser.Pages.ToList();
        var closing = Stopwatch.StartNew();
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }

        var drained = await meters.WaitForActiveCircuitsAsync(0, TimeSpan.FromSeconds(30), ct);
        var drainSeconds = closing.Elapsed.TotalSeconds;
        var active = meters.ActiveCircuits;
        var after = Heap(app);
        context.Detail(string.Create(CultureInfo.InvariantCulture,
            $"closed {pages.Count} tabs: circuit.active {active} after {drainSeconds:0.0} s (retention {BenchmarkWebApp.CircuitRetention.TotalSeconds:0} s); heap {Mb(after)} = {(double)after / baseline:0.000}x baseline"));
        context.Detail(await threadPool.StopAsync());

        var deltaKb = (projectsHeap - lightHeap) / (double)Circuits / 1024;
        var totalKb = (projectsHeap - baseline) / (double)Circuits / 1024;
        var lightKb = (lightHeap - baseline) / (double)Circuits / 1024;
        var returnRatio = (double)after / baseline;
        var pass = deltaKb <= DeltaBarKb && totalKb <= TotalBarKb && drained && active == 0 && returnRatio <= ReturnBar;
        var figure = string.Create(CultureInfo.InvariantCulture,
            $"projects-vs-light {deltaKb:0.0} KB/circuit, light page over baseline {lightKb:0.0} KB/circuit, projects heap over baseline {totalKb:0.0} KB/circuit ({Circuits} circuits), after close circuit.active {active} in {drainSeconds:0.0} s, heap {returnRatio:0.000}x baseline");
        var bar = string.Create(CultureInfo.InvariantCulture,
            $"delta <= {DeltaBarKb:0} KB, total <= {TotalBarKb:0} KB (2x {PlanningBaselineKb:0}), circuit.active 0, heap <= {ReturnBar:0.00}x");
        return new GoalResult(Id, figure, bar, pass);
    }

    private static async Task<long> MeasureAsync(BenchmarkContext context, BenchmarkWebApp app, string label,
        Func<Task<IPage>> open, long baseline, CancellationToken ct, bool closeAtEnd = true)
    {
        var watch = Stopwatch.StartNew();
        var pages = await BenchmarkWebApp.OpenManyAsync(Circuits, OpenInParallel, open, ct);
        var opened = watch.Elapsed.TotalSeconds;
        await RequireCircuitsAsync(app.Meters, Circuits, label, ct);
        var heap = Heap(app);
        context.Detail(string.Create(CultureInfo.InvariantCulture,
            $"{Circuits} tabs on {label} (opened in {opened:0.0} s): circuit.active {app.Meters.ActiveCircuits}, heap {Mb(heap)}, {(heap - baseline) / (double)Circuits / 1024:0.0} KB/circuit over baseline"));
        if (closeAtEnd)
        {
            foreach (var page in pages)
            {
                await page.CloseAsync();
            }

            await RequireCircuitsAsync(app.Meters, 0, $"after closing the {label} tabs", ct);
        }

        return heap;
    }

    private static async Task RequireCircuitsAsync(BlazorMeters meters, long expected, string when, CancellationToken ct)
    {
        if (!await meters.WaitForActiveCircuitsAsync(expected, TimeSpan.FromSeconds(30), ct))
        {
            throw new InvalidOperationException($"circuit.active is {meters.ActiveCircuits}, expected {expected} {when}.");
        }
    }

    /// <summary>Forced-GC heap with the simulator's request log emptied (a fake-Procore artefact, not app memory).</summary>
    private static long Heap(BenchmarkWebApp app)
    {
        app.Simulator.State.ClearRequests();
        return BenchmarkWebApp.ForcedHeapBytes();
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:0.00} MB");
}

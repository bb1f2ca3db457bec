using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using ProcoreAdmin.Benchmarks.WebApp;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G6: 20 tabs on the projects page (Northwind, 25 rows of 10,000) click "Next page" once per second each. Server side:
/// <c>aspnetcore.components.handle_event.duration</c> of those clicks (it awaits the handler, so it includes the grid's
/// ServerData call to Procore). Browser side: click to first-row text change, timed inside the page. Render batches:
/// <c>aspnetcore.components.render_diff.size</c> during the clicks against the sum over the page's first full load.
/// Side-by-side: <see cref="GridSideBySide"/> times a page change of the same grid bound to Items (10,000 rows, sorted)
/// against ServerData (25-row pages), in-process with bUnit.
/// </summary>
public sealed class G6GridInteractionLatency : IBenchmarkGoal
{
    public const int Circuits = 20;
    public const int MeasuredClicksPerCircuit = 10;
    private const double ServerBarMs = 50;
    private const double BrowserBarMs = 250;
    private const double DiffBarFraction = 0.10;
    private const double ItemsRatioBar = 5;

    /// <summary>Clicks Next page and resolves with the ms until the first row's first cell shows other text (-1 on timeout).</summary>
    private const string ClickNextScript = """
        async () => {
          const grid = document.querySelector('#projects-grid');
          const cell = () => grid.querySelector('tbody tr.mud-table-row td');
          const before = cell()?.textContent;
          const next = grid.querySelector("button[aria-label='Next page']");
          return await new Promise(resolve => {
            const observer = new MutationObserver(() => {
              const now = cell();
              if (now && now.textContent !== before) {
                observer.disconnect();
                resolve(performance.now() - start);
              }
            });
            observer.observe(grid, { subtree: true, childList: true, characterData: true });
            setTimeout(() => { observer.disconnect(); resolve(-1); }, 15000);
            const start = performance.now();
            next.click();
          });
        }
        """;

    public string Id => "G6";

    public string Title => "Grid interaction latency";

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var app = await context.GetWebAppAsync(ct);
        await using var browser = await app.NewSignedInContextAsync();

        // Warm-up tab (JIT of the page and the page-change path), then the first full load of one tab, recorded alone.
        var warm = await BenchmarkWebApp.OpenProjectsAsync(browser);
        await warm.EvaluateAsync<double>(ClickNextScript);
        await warm.CloseAsync();

        IPage first;
        int[] firstLoadBatches;
        using (var recording = app.Meters.Record())
        {
            first = await BenchmarkWebApp.OpenProjectsAsync(browser);
            await Task.Delay(500, ct); // late batches of the first load (theme, popovers) belong to it
            firstLoadBatches = [.. recording.RenderDiffSizes];
        }

        var pages = new List<IPage> { first };
        pages.AddRange(await BenchmarkWebApp.OpenManyAsync(Circuits - 1, 4, () => BenchmarkWebApp.OpenProjectsAsync(browser), ct));
        foreach (var page in pages)
        {
            await page.EvaluateAsync<double>(ClickNextScript); // one unmeasured click per circuit
        }

        app.Simulator.State.ClearRequests();
        var browserMs = new List<double>();
        BlazorMeters.HandledEvent[] events;
        int[] clickBatches;
        string threadPoolLine;
        var timeouts = 0;
        var watch = Stopwatch.StartNew();
        await using (var threadPool = new ThreadPoolSampler())
        using (var recording = app.Meters.Record())
        {
            var start = DateTime.UtcNow.AddMilliseconds(200);
            var loops = pages.Select(async (page, index) =>
            {
                var mine = new List<double>();
                for (var round = 0; round < MeasuredClicksPerCircuit; round++)
                {
                    // Once per second per circuit; circuits are spread evenly over the second.
                    var due = start + TimeSpan.FromSeconds(round) + TimeSpan.FromMilliseconds(1000.0 * index / Circuits);
                    var wait = due - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, ct);
                    }

                    mine.Add(await page.EvaluateAsync<double>(ClickNextScript));
                }

                return mine;
            }).ToList();
            foreach (var result in await Task.WhenAll(loops))
            {
                timeouts += result.Count(ms => ms < 0);
                browserMs.AddRange(result.Where(ms => ms >= 0));
            }

            events = [.. recording.HandleEvents];
            clickBatches = [.. recording.RenderDiffSizes];
            threadPoolLine = await threadPool.StopAsync();
        }

        var elapsed = watch.Elapsed.TotalSeconds;
        var clicks = Circuits * MeasuredClicksPerCircuit;
        var listRequests = app.Simulator.State.GetRequests().Where(r => !r.IsTokenRequest && r.Path.Contains("/projects", StringComparison.Ordinal)).ToList();
        var pageOf25 = listRequests.Count(r => r.Query.Contains("per_page=25", StringComparison.Ordinal));
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }

        var clickEvents = events.Where(e => e.Attribute == "onclick").Select(e => e.Milliseconds).Order().ToList();
        var serverP95 = Stats.Percentile(clickEvents, 0.95);
        var browserSorted = browserMs.Order().ToList();
        var browserP95 = Stats.Percentile(browserSorted, 0.95);
        context.Detail(string.Create(CultureInfo.InvariantCulture,
            $"{clicks} clicks ({Circuits} circuits x {MeasuredClicksPerCircuit}, 1/s each) in {elapsed:0.0} s; browser timeouts {timeouts}"));
        context.Detail(string.Create(CultureInfo.InvariantCulture,
            $"server handle_event.duration (onclick, n={clickEvents.Count} of {events.Length} events): p50 {Stats.Percentile(clickEvents, 0.5):0.0} ms, p95 {serverP95:0.0} ms, max {(clickEvents.Count > 0 ? clickEvents[^1] : double.NaN):0.0} ms"));
        context.Detail(string.Create(CultureInfo.InvariantCulture,
            $"browser click-to-DOM (n={browserSorted.Count}): p50 {Stats.Percentile(browserSorted, 0.5):0.0} ms, p95 {browserP95:0.0} ms, max {(browserSorted.Count > 0 ? browserSorted[^1] : double.NaN):0.0} ms"));
        context.Detail($"Procore list requests during the clicks: {listRequests.Count} ({pageOf25} with per_page=25) for {clicks} page changes; " +
                       "the page reads each page from the app's in-process Procore simulator (no local DB/cache of projects exists), rate limits off");
        context.Detail(threadPoolLine);

        // Render batches: the first load's batches (sum = everything drawn for the page) vs the batches while clicking.
        var firstLoadTotal = firstLoadBatches.Sum();
        var diffSorted = clickBatches.Order().ToList();
        var diffP95 = Stats.Percentile(diffSorted, 0.95);
        var perClick = clicks > 0 ? clickBatches.Sum() / (double)clicks : double.NaN;
        var diffAvailable = app.Meters.Has(BlazorMeters.RenderDiffSize) && firstLoadTotal > 0;
        string diffFigure;
        var diffPass = false;
        if (diffAvailable)
        {
            diffPass = diffP95 <= DiffBarFraction * firstLoadTotal && perClick <= DiffBarFraction * firstLoadTotal;
            context.Detail(string.Create(CultureInfo.InvariantCulture,
                $"render_diff.size ({{elements}}): first full load {firstLoadTotal} in {firstLoadBatches.Length} batches (largest {firstLoadBatches.Max()}); while clicking p95 {diffP95:0} per batch (n={diffSorted.Count}), {perClick:0.0} per page change (sum / clicks)"));
            diffFigure = string.Create(CultureInfo.InvariantCulture, $"render_diff p95 {diffP95:0} = {diffP95 / firstLoadTotal:0.000} of first load {firstLoadTotal}");
        }
        else
        {
            diffFigure = "render_diff.size not available";
            context.Detail($"render_diff.size: not available (instruments seen: {string.Join(", ", app.Meters.Instruments.Keys)})");
        }

        var side = await GridSideBySide.RunAsync(context, ct);
        var pass = serverP95 <= ServerBarMs && browserP95 <= BrowserBarMs && timeouts == 0 && diffPass
                   && side.Ratio >= ItemsRatioBar && listRequests.Count == clicks && pageOf25 == clicks;
        var figure = string.Create(CultureInfo.InvariantCulture,
            $"server handle_event p95 {serverP95:0.0} ms, browser click-to-DOM p95 {browserP95:0} ms ({Circuits} circuits, {clicks} clicks, Procore = in-process simulator), {diffFigure}, Items(10k, sorted)/ServerData page change {side.Ratio:0.0}x, {listRequests.Count} Procore page reads (per_page=25: {pageOf25})");
        var bar = string.Create(CultureInfo.InvariantCulture,
            $"server p95 <= {ServerBarMs:0} ms, browser p95 <= {BrowserBarMs:0} ms, render_diff p95 <= {DiffBarFraction:0.0} of first render, Items/ServerData >= {ItemsRatioBar:0}x, one 25-row read per click");
        return new GoalResult(Id, figure, bar, pass);
    }
}

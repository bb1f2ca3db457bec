using System.Globalization;
using Microsoft.Playwright;
using ProcoreAdmin.Benchmarks.WebApp;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G7: the projects page's Procore calls (the app simulator's request log) and SQL commands (EF Core interceptor) for a
/// first load in a new tab with prerendering (a document request for /projects that renders the page, then the circuit)
/// against the same first load with prerendering off (<c>Interactivity:Prerender</c> = false: the document is an empty
/// placeholder, checked, and the circuit renders the page). Both legs start a circuit, so the work every circuit does
/// (the layout's notification bell) is on both sides. A third figure is the prerender request alone (an HTTP GET with
/// the signed-in cookies, no circuit), whose HTML must already contain the page's heading.
/// </summary>
public sealed class G7PrerenderNoDoubleWork : IBenchmarkGoal
{
    private const int Loads = 3;
    private const int SettleMs = 400;

    public string Id => "G7";

    public string Title => "Prerender does not double work";

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var app = await context.GetWebAppAsync(ct);
        await using var browser = await app.NewSignedInContextAsync();
        var warm = await BenchmarkWebApp.OpenProjectsAsync(browser); // token cached, JIT, pools: the same for both legs
        await warm.CloseAsync();

        // Prerender request alone: GET with the context's cookies, no browser, so no circuit starts.
        var (prerenderProcore, prerenderSql) = await CountAsync(app, async () =>
        {
            var response = await browser.APIRequest.GetAsync(BenchmarkWebApp.ProjectsPath);
            var html = await response.TextAsync();
            return (response.Status, html);
        }, out var prerenderResult);
        var (status, prerenderHtml) = await prerenderResult;
        var hasHeading = prerenderHtml.Contains(">Projects</h1>", StringComparison.Ordinal);
        var hasShell = prerenderHtml.Contains("id=\"projects-loading\"", StringComparison.Ordinal);
        var hasTitle = prerenderHtml.Contains("<title>Projects", StringComparison.Ordinal);
        context.Detail($"prerender request alone (GET {BenchmarkWebApp.ProjectsPath}, status {status}, {prerenderHtml.Length:N0} chars): Procore calls {prerenderProcore}, SQL commands {prerenderSql}; HTML has title {hasTitle}, heading {hasHeading}, loading shell {hasShell}");

        long onProcore = 0, onSql = 0, offProcore = 0, offSql = 0;
        var prerenderedDocumentsInOffLeg = 0;
        for (var i = 0; i < Loads; i++)
        {
            // Prerendering on: a document request (prerendered HTML), then the circuit renders the page interactively.
            var page = await browser.NewPageAsync();
            var (p, s) = await CountAsync(app, async () =>
            {
                await page.GotoAsync(BenchmarkWebApp.ProjectsPath);
                await BenchmarkWebApp.WaitForRowsAsync(page);
                await Task.Delay(SettleMs, ct);
                return 0;
            }, out _);
            onProcore += p;
            onSql += s;
            await page.CloseAsync();

            // Prerendering off: the same first load in a new tab; the document must not hold the page.
            app.Prerender = false;
            try
            {
                page = await browser.NewPageAsync();
                string? document = null;
                (p, s) = await CountAsync(app, async () =>
                {
                    var response = await page.GotoAsync(BenchmarkWebApp.ProjectsPath);
                    document = response is null ? null : await response.TextAsync();
                    await BenchmarkWebApp.WaitForRowsAsync(page);
                    await Task.Delay(SettleMs, ct);
                    return 0;
                }, out _);
                if (document is null || document.Contains(">Projects</h1>", StringComparison.Ordinal))
                {
                    prerenderedDocumentsInOffLeg++;
                }

                offProcore += p;
                offSql += s;
                await page.CloseAsync();
            }
            finally
            {
                app.Prerender = true;
            }
        }

        context.Detail(string.Create(CultureInfo.InvariantCulture,
            $"{Loads} loads each: prerender on (document + circuit) Procore {onProcore}, SQL {onSql}; prerender off (Interactivity:Prerender = false, {prerenderedDocumentsInOffLeg} documents that held the page anyway) Procore {offProcore}, SQL {offSql}"));
        context.Detail("Procore = the app's in-process simulator's request log (token requests included; the token is cached by the warm-up load). " +
                       "SQL = every EF Core command in the window (the page's own and any background work). Settle " + SettleMs + " ms after the 25th row.");

        var procoreRatio = Ratio(onProcore, offProcore);
        var sqlRatio = Ratio(onSql, offSql);
        var pass = onProcore == offProcore && onSql == offSql && offProcore > 0 && prerenderedDocumentsInOffLeg == 0
                   && hasHeading && hasShell && status == 200;
        var figure = string.Create(CultureInfo.InvariantCulture,
            $"per load with/without prerender: Procore {onProcore / (double)Loads:0.##}/{offProcore / (double)Loads:0.##} = {procoreRatio}, SQL {onSql / (double)Loads:0.##}/{offSql / (double)Loads:0.##} = {sqlRatio}; prerendered HTML has heading+shell {hasHeading && hasShell} (prerender alone: Procore {prerenderProcore}, SQL {prerenderSql})");
        const string bar = "Procore and SQL ratio = 1.0x, content in the prerendered HTML";
        return new GoalResult(Id, figure, bar, pass);
    }

    private static string Ratio(long on, long off) =>
        off == 0 ? (on == 0 ? "0 = 0" : $"{on} vs 0") : string.Create(CultureInfo.InvariantCulture, $"{(double)on / off:0.00}x");

    /// <summary>Runs <paramref name="action"/> and counts the simulator's requests and the SQL commands it caused.</summary>
    private static Task<(long Procore, long Sql)> CountAsync<T>(BenchmarkWebApp app, Func<Task<T>> action, out Task<T> result)
    {
        var state = app.Simulator.State;
        var procoreBefore = state.GetRequests().Count;
        var sqlBefore = app.Sql.Count;
        var run = action();
        result = run;
        return Finish();

        async Task<(long, long)> Finish()
        {
            await run;
            return (state.GetRequests().Count - procoreBefore, app.Sql.Count - sqlBefore);
        }
    }
}

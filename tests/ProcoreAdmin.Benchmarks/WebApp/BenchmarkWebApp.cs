using System.Net;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ProcoreAdmin.Data;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Benchmarks.WebApp;

/// <summary>
/// The real app (this build's configuration, Development environment so that DevIdentity and the Procore simulator run
/// in-process on free ports) on Kestrel at 127.0.0.1, a temp SQLite database, and one headless Debian Chromium driven by
/// Playwright. Test-only changes, all through the factory's services: the disconnected-circuit retention period is
/// <see cref="CircuitRetention"/>, an EF Core <see cref="SqlCommandCounter"/> is added to <c>AppDbContext</c>, logging
/// is reduced to warnings, and the simulator's rate limits are switched off (<see cref="ResetSimulator"/>) because the
/// UI goals measure the grid, not Procore's quota (20 circuits paging once a second would exceed 25 requests / 10 s).
/// </summary>
public sealed class BenchmarkWebApp : IAsyncDisposable
{
    public const long NorthwindCompanyId = 5_000_000_001;
    public const string ProjectsPath = "/projects?company=5000000001";

    /// <summary>The lightest page of the app: layout + title + EmptyState (a placeholder page, no service calls).</summary>
    public const string LightPagePath = "/rotation";

    public const string RowsSelector = "#projects-grid tbody tr.mud-table-row";
    public const string CircuitReadySelector = "#circuit-state[data-interactive=true]";

    public static readonly TimeSpan CircuitRetention = TimeSpan.FromSeconds(5);

    private readonly string _folder;
    private readonly WebApplicationFactory<global::Program> _factory;
    private readonly IPlaywright _playwright;
    private readonly PrerenderSetting _prerender;

    private BenchmarkWebApp(string folder, WebApplicationFactory<global::Program> factory, BlazorMeters meters, SqlCommandCounter sql,
        Uri baseAddress, IPlaywright playwright, IBrowser browser, PrerenderSetting prerender)
    {
        _folder = folder;
        _prerender = prerender;
        _factory = factory;
        Meters = meters;
        Sql = sql;
        BaseAddress = baseAddress;
        _playwright = playwright;
        Browser = browser;
    }

    public Uri BaseAddress { get; }

    /// <summary>
    /// The app's <c>Interactivity:Prerender</c> for the requests that follow (on by default, as in production): set through the
    /// options the app reads on every page request, whose cached value is dropped so the next request sees the change.
    /// </summary>
    public bool Prerender
    {
        get => _prerender.Value;
        set
        {
            _prerender.Value = value;
            Services.GetRequiredService<IOptionsMonitorCache<InteractivityOptions>>().TryRemove(Options.DefaultName);
        }
    }

    public IServiceProvider Services => _factory.Services;

    public BlazorMeters Meters { get; }

    public SqlCommandCounter Sql { get; }

    public IBrowser Browser { get; }

    /// <summary>The app's own in-process Procore simulator (Northwind Builders, 10,000 projects, default seed).</summary>
    public SimulatorHost Simulator => Services.GetRequiredService<DevelopmentCompanions>().Simulator
                                      ?? throw new InvalidOperationException("The app did not start its Procore simulator.");

    public static async Task<BenchmarkWebApp> StartAsync(CancellationToken ct)
    {
        var meters = new BlazorMeters();
        var sql = new SqlCommandCounter();
        var folder = Directory.CreateTempSubdirectory("procoreadmin-bench-web-").FullName;
        var prerender = new PrerenderSetting();
        var factory = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseContentRoot(WebContentRoot());
            b.UseSetting("Database:ConnectionString", $"Data Source={Path.Combine(folder, "procoreadmin.db")}");
            b.UseSetting("DataProtection:KeysPath", Path.Combine(folder, "keys"));
            b.UseSetting("DevelopmentCompanions:DevIdentityUrl", "http://127.0.0.1:0");
            b.UseSetting("DevelopmentCompanions:SimulatorUrl", "http://127.0.0.1:0");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Logging:LogLevel:Microsoft", "Warning");
            b.UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning");
            b.UseSetting("Logging:LogLevel:ProcoreAdmin", "Warning");
            b.ConfigureServices(services =>
            {
                services.PostConfigure<CircuitOptions>(o => o.DisconnectedCircuitRetentionPeriod = CircuitRetention);
                services.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(sql));
                services.PostConfigure<InteractivityOptions>(o => o.Prerender = prerender.Value);
            });
        });
        factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var baseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        var app = new BenchmarkWebApp(folder, factory, meters, sql, baseAddress, playwright, browser, prerender);
        app.ResetSimulator();
        return app;
    }

    /// <summary>Seed state with rate limits off (no 429s, no X-Rate-Limit headers); empty request log.</summary>
    public void ResetSimulator()
    {
        var state = Simulator.State;
        state.Reset();
        state.Configure(new SimulatorSettings { RateLimits = new RateLimitSeed { Enabled = false } });
    }

    /// <summary>
    /// A browser context signed in through DevIdentity's HTML form (its cookies are shared by every page opened in it;
    /// each page is its own circuit). The sign-in page is closed, so the context holds no circuit.
    /// </summary>
    public async Task<IBrowserContext> NewSignedInContextAsync(string user = "viewer")
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString() });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(LightPagePath);
        await page.Locator("input[name=username]").FillAsync(user);
        await page.Locator("input[name=password]").FillAsync("dev");
        await page.Locator("#signin").ClickAsync();
        await page.Locator(CircuitReadySelector).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.CloseAsync();
        return context;
    }

    /// <summary>Opens the projects page for Northwind and waits until the grid shows its first 25 rows.</summary>
    public static async Task<IPage> OpenProjectsAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(ProjectsPath);
        await WaitForRowsAsync(page);
        return page;
    }

    /// <summary>Opens the light page and waits until its circuit is interactive.</summary>
    public static async Task<IPage> OpenLightPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(LightPagePath);
        await page.Locator(CircuitReadySelector).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }

    /// <summary>Waits for the 25th grid row (locators, not WaitForFunction: the app's CSP forbids eval, rightly).</summary>
    public static Task WaitForRowsAsync(IPage page) =>
        page.Locator(RowsSelector).Nth(24).WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>Runs <paramref name="open"/> <paramref name="count"/> times with at most <paramref name="parallel"/> at once.</summary>
    public static async Task<IReadOnlyList<IPage>> OpenManyAsync(int count, int parallel, Func<Task<IPage>> open, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(parallel);
        var tasks = Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(ct);
            try
            {
                return await open();
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks);
    }

    /// <summary>Managed heap after a forced, blocking, compacting Gen 2 GC (twice, with finalizers in between).</summary>
    public static long ForcedHeapBytes()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
        await _factory.DisposeAsync();
        Meters.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }

    /// <summary>
    /// src/ProcoreAdmin.Web, from the MvcTestingAppManifest.json beside this executable. WebApplicationFactory looks for
    /// that file in the current directory only, which is the repository root under <c>dotnet run --project</c>.
    /// </summary>
    private static string WebContentRoot()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
        var roots = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(manifest))
                    ?? throw new InvalidOperationException($"{manifest} is empty.");
        var name = typeof(global::Program).Assembly.FullName!;
        return roots.TryGetValue(name, out var root) && Directory.Exists(root)
            ? root
            : throw new InvalidOperationException($"{manifest} has no existing content root for {name}.");
    }

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("PROCOREADMIN_CHROMIUM");
        var path = string.IsNullOrWhiteSpace(configured) ? "/usr/bin/chromium" : configured;
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Chromium not found at {path}. Install it (apt-get install chromium) or set PROCOREADMIN_CHROMIUM.");
    }

    private sealed class PrerenderSetting
    {
        public volatile bool Value = true;
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Topology;

namespace ProcoreAdmin.BrowserTests;

/// <summary>
/// Chromium through the shipped nginx example in front of two real app processes on one PostgreSQL database:
/// sign in, then use an interactive page whose circuit runs over the WebSocket nginx forwards.
/// </summary>
public sealed class ProxyBrowserTests
{
    private static ILocator Field(IPage page, string id) => page.Locator($"input#{id}, textarea#{id}, #{id} input").First;

    [PostgresFact]
    public async Task Browser_ThroughNginxInFrontOfTwoInstances_SignsInAndAddsACompany()
    {
        await using var database = await PostgresDatabase.CreateAsync(migrate: true);
        var proxyPort = AppProcess.FreePort();
        Dictionary<string, string> Settings(bool first) => new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = database.ConnectionString,
            ["ReverseProxy:KnownProxies:0"] = "127.0.0.1",
            ["DevelopmentCompanions:DevIdentityUrl"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
            ["DevelopmentCompanions:Simulator"] = first ? "true" : "false",
            ["DevelopmentCompanions:SimulatorUrl"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
            ["DevelopmentCompanions:PublicUrls:0"] = $"http://127.0.0.1:{proxyPort}",
        };

        await using var a = await AppProcess.StartAsync("A", Settings(first: true));
        await using var b = await AppProcess.StartAsync("B", Settings(first: false));
        await using var nginx = await NginxProcess.StartAsync([a.BaseAddress, b.BaseAddress], proxyPort);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PROCOREADMIN_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        var context = await browser.NewContextAsync(new() { BaseURL = nginx.BaseAddress.ToString() });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var sockets = new List<string>();
        page.WebSocket += (_, ws) => sockets.Add(ws.Url);

        await page.SignInAsync("admin", "/credentials");
        await page.WaitForCircuitAsync();
        Assert.Equal(nginx.BaseAddress.Authority, new Uri(page.Url).Authority);
        await Assertions.Expect(page.Locator("#credentials-table")).ToContainTextAsync("procoreadmin-demo-client");

        // In-circuit navigation and a form, all over the circuit's WebSocket through nginx.
        await page.Locator("[data-nav=companies]").ClickAsync();
        await page.WaitForURLAsync("**/companies");
        await page.Locator("#add-company").ClickAsync();
        await Field(page, "company-procore-id").FillAsync("5000000077");
        await Field(page, "company-name").FillAsync("Behind The Proxy Ltd");
        await page.Locator(".mud-select").Filter(new() { HasText = "Environment" }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^Custom$") }).ClickAsync();
        await page.Locator("#company-save").ClickAsync();
        await Assertions.Expect(page.Locator("#companies-table")).ToContainTextAsync("Behind The Proxy Ltd");

        Assert.Contains(sockets, url => url.StartsWith($"ws://{nginx.BaseAddress.Authority}/_blazor", StringComparison.Ordinal));
        await using (var db = database.CreateDbContext())
        {
            Assert.Equal("Behind The Proxy Ltd", (await db.Companies.SingleAsync(x => x.ProcoreCompanyId == 5000000077)).Name);
        }

        // Sticky: every request of this browser reached one instance.
        Assert.Single(nginx.UpstreamsFor("/").Where(u => u != "-").Distinct());
        await context.CloseAsync();
    }
}

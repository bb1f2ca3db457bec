using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

/// <summary>
/// Real Chromium against the app with the in-process simulator (Northwind has 10,000 projects) and the demo
/// credential that the Development seed registers against it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProjectsAndConsoleTests(BrowserFixture fixture)
{
    private static ILocator Rows(IPage page) => page.Locator("#projects-grid tbody tr.mud-table-row");

    [Fact]
    public async Task Projects_BrowseTenThousandProjectCompany_FirstPageNextPageAndSearch()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("operator", "/projects");
        await page.WaitForCircuitAsync();

        await page.Locator("[data-testid=company-select]").SelectOptionAsync("5000000001");

        await Assertions.Expect(Rows(page)).ToHaveCountAsync(25, new() { Timeout = 20_000 });
        var first = await Rows(page).First.Locator("td").First.InnerTextAsync();

        await page.Locator("#projects-grid button[aria-label='Next page']").ClickAsync();
        await Assertions.Expect(Rows(page).First.Locator("td").First).Not.ToHaveTextAsync(first, new() { Timeout = 20_000 });
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(25);

        var wanted = (await Rows(page).Nth(4).Locator("td").First.InnerTextAsync()).Trim();
        await page.Locator("#project-search").FillAsync(wanted);
        await Assertions.Expect(Rows(page).First.Locator("td").First).ToContainTextAsync(wanted, new() { Timeout = 20_000 });
        var names = await Rows(page).Locator("td:first-child").AllInnerTextsAsync();
        Assert.All(names, n => Assert.Contains(wanted, n, StringComparison.OrdinalIgnoreCase));

        await Rows(page).First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=detail-name]")).ToHaveTextAsync(names[0].Trim());
        await Assertions.Expect(page.Locator("[data-testid=rate-limit-remaining]")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Console_RunsMeAndCompanies_WithAndWithoutTheCompanyHeader()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("operator", "/api-console");
        await page.WaitForCircuitAsync();
        var status = page.Locator("[data-testid=result-status]");

        async Task RunAsync(string endpoint, bool header, string expectedStatus)
        {
            await page.Locator($"[data-endpoint={endpoint}]").First.ClickAsync();
            var toggle = page.Locator("[data-testid=header-switch] input");
            if (await toggle.IsCheckedAsync() != header)
            {
                await toggle.ClickAsync();
            }

            var before = await page.Locator("#console-history tbody tr").CountAsync();
            await page.Locator("#run-call").ClickAsync();
            await Assertions.Expect(page.Locator("#console-history tbody tr")).ToHaveCountAsync(before + 1, new() { Timeout = 20_000 });
            await Assertions.Expect(status).ToHaveAttributeAsync("data-status", expectedStatus);
        }

        await RunAsync("Me", header: true, "200");
        await Assertions.Expect(page.Locator("[data-testid=curl]")).ToContainTextAsync("Procore-Company-Id: 5000000001");
        await Assertions.Expect(page.Locator("[data-testid=rate-limit-meter]")).ToContainTextAsync("left");

        await RunAsync("Me", header: false, "404");
        await Assertions.Expect(page.Locator("[data-testid=result-explanation]")).ToContainTextAsync("Missing Procore-Company-Id header");

        await RunAsync("Companies", header: true, "200");
        await Assertions.Expect(page.Locator("[data-testid=body-pretty]")).ToContainTextAsync("Northwind Builders");

        await RunAsync("Companies", header: false, "404");
        await Assertions.Expect(page.Locator("[data-testid=result-explanation]")).ToHaveAttributeAsync("data-kind", "MissingCompanyHeader");

        var curl = await page.Locator("[data-testid=curl]").InnerTextAsync();
        Assert.Contains("$PROCORE_TOKEN", curl, StringComparison.Ordinal);
        Assert.DoesNotContain("FAKE-procoreadmin-demo-secret-not-real", await page.ContentAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Console_ForViewer_ShowsHistoryButNoRunButton()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("viewer", "/api-console");
        await page.WaitForCircuitAsync();

        await Assertions.Expect(page.Locator("#console-viewer-note")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#run-call")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}

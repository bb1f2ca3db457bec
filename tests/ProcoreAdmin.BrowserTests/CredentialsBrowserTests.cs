using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class CredentialsBrowserTests(BrowserFixture fixture)
{
    /// <summary>A MudBlazor field by id, whether the id lands on the input or on its wrapper.</summary>
    private static ILocator Field(IPage page, string id) => page.Locator($"input#{id}, textarea#{id}, #{id} input").First;

    [Fact]
    public async Task Admin_AddsACompanyAndACredential_VerifiesItAgainstTheSimulator_AndSeesTheResult()
    {
        var simulator = fixture.Services.GetRequiredService<DevelopmentCompanions>().SimulatorAddress!;
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("admin", "/credentials");
        await page.WaitForCircuitAsync();

        // The Development seed is there: the demo credential pointing at the simulator.
        await Assertions.Expect(page.Locator("#credentials-table")).ToContainTextAsync("procoreadmin-demo-client");

        await page.GotoAsync("/companies");
        await page.WaitForCircuitAsync();
        await page.Locator("#add-company").ClickAsync();
        await Field(page, "company-procore-id").FillAsync("5000000004");
        await Field(page, "company-name").FillAsync("Sandbox Test Company");
        await page.Locator(".mud-select").Filter(new() { HasText = "Environment" }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^Custom$") }).ClickAsync();
        await page.Locator("#company-save").ClickAsync();
        await Assertions.Expect(page.Locator("#companies-table")).ToContainTextAsync("Sandbox Test Company");
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Company “Sandbox Test Company” added.");

        await page.Locator("[data-testid=company-link]").Filter(new() { HasText = "Sandbox Test Company" }).ClickAsync();
        await Assertions.Expect(page.Locator("#company-title")).ToHaveTextAsync("Sandbox Test Company");
        await page.Locator("#register-credential-here").ClickAsync();
        await page.WaitForURLAsync("**/credentials/new?company=*");
        await page.WaitForCircuitAsync();

        var sandbox = new Uri(simulator, "_env/developer_sandbox/").ToString();
        await Field(page, "credential-label").FillAsync("Sandbox demo (browser test)");
        await Field(page, "credential-login-url").FillAsync(sandbox);
        await Field(page, "credential-api-url").FillAsync(sandbox);
        await Field(page, "credential-client-id").FillAsync("procoreadmin-demo-sandbox-client");
        await Field(page, "credential-secret").FillAsync("FAKE-procoreadmin-sandbox-secret-not-real");
        await page.Locator("#credential-save").ClickAsync();

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/credentials/\\d+$"));
        await Assertions.Expect(page.Locator("#credential-title")).ToHaveTextAsync("Sandbox demo (browser test)");
        await Assertions.Expect(page.Locator("#secret-fingerprint")).ToContainTextAsync("fp:");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("FAKE-procoreadmin-sandbox-secret-not-real");

        await page.Locator("#verify-now").ClickAsync();
        await Assertions.Expect(page.Locator("#check-outcome")).ToHaveTextAsync("OK", new() { Timeout = 30_000 });
        // The result snackbar leaves the page actions uncovered (and closes by itself).
        var snackbar = await page.Locator(".mud-snackbar").First.BoundingBoxAsync();
        foreach (var action in new[] { "#verify-now", "#edit-credential" })
        {
            var box = (await page.Locator(action).BoundingBoxAsync())!;
            Assert.True(snackbar is null || box.X > snackbar.X + snackbar.Width || box.X + box.Width < snackbar.X
                        || box.Y > snackbar.Y + snackbar.Height || box.Y + box.Height < snackbar.Y, $"the snackbar covers {action}");
        }

        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#installations tr[data-company='5000000004']")).ToContainTextAsync("yes");
        await page.Context.CloseAsync();
    }
}

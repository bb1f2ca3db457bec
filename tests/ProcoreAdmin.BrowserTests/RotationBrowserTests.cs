using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.BrowserTests;

/// <summary>
/// A full rotation of the Development demo credential against the simulator's <c>reset-secret</c> control endpoint.
/// Needs the credential registry (issue 4), which seeds that credential in Development.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RotationBrowserTests(BrowserFixture fixture)
{
    private const string DemoClientId = "procoreadmin-demo-client";

    private static ILocator Field(IPage page, string id) => page.Locator($"input#{id}, textarea#{id}, #{id} input").First;

    [Fact]
    public async Task Admin_RotatesTheDemoCredential_AfterAPortalReset_AndTheCredentialVerifiesWithTheNewSecret()
    {
        var simulator = fixture.Services.GetRequiredService<DevelopmentCompanions>().SimulatorAddress!;
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("admin", "/rotation");
        await page.WaitForCircuitAsync();

        var row = page.Locator("#due-credentials tr").Filter(new() { HasText = "ProcoreAdmin Demo" });
        await row.Locator("[data-testid=rotate]").ClickAsync();
        await Assertions.Expect(page.Locator("#rotation-run")).ToBeVisibleAsync();

        // The started run is in the address bar: a reload shows it again.
        var runId = await page.Locator("#rotation-run").GetAttributeAsync("data-run-id");
        await page.WaitForPathAsync(new System.Text.RegularExpressions.Regex($@"/rotation\?run={runId}$"));
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#rotation-run")).ToHaveAttributeAsync("data-run-id", runId!);

        await page.Locator("#do-prepare").ClickAsync();
        await Assertions.Expect(page.Locator("[data-step='1']")).ToHaveAttributeAsync("data-step-state", "Done");
        await Field(page, "step-notes").FillAsync("Rehearsed by hand");
        await page.Locator("#skip-rehearsal").ClickAsync();
        await page.Locator("#do-pause").ClickAsync();
        await Assertions.Expect(page.Locator("#step-action")).ToHaveAttributeAsync("data-current-step", "4");

        // "Reset Client Secret" in the (simulated) Developer Portal: the old secret and its tokens die at once.
        using var http = new HttpClient { BaseAddress = simulator };
        using var reset = await http.PostAsync($"_simulator/apps/{DemoClientId}/reset-secret", null);
        reset.EnsureSuccessStatusCode();
        var newSecret = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_secret").GetString()!;

        await Field(page, "new-secret").FillAsync(newSecret);
        await page.Locator("#save-pending").ClickAsync();
        await Assertions.Expect(page.Locator("#step-action")).ToHaveAttributeAsync("data-current-step", "5");
        await page.Locator("#do-verify").ClickAsync();
        await Assertions.Expect(page.Locator("#verification-result")).ToContainTextAsync("Verified", new() { Timeout = 30_000 });
        await page.Locator("#do-promote").ClickAsync();
        await page.Locator("#confirm-promote").ClickAsync();
        await Assertions.Expect(page.Locator("#step-action")).ToHaveAttributeAsync("data-current-step", "7");
        await page.Locator("#do-complete").ClickAsync();

        await Assertions.Expect(page.Locator("#run-state")).ToHaveTextAsync("Completed");
        await Assertions.Expect(page.Locator("#time-to-restore")).ToContainTextAsync("Time to restore");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync(newSecret);

        // Back leaves the run's address and closes it; Forward opens it again.
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#rotation-run")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#due-credentials")).ToBeVisibleAsync();
        await page.GoForwardAsync();
        await Assertions.Expect(page.Locator("#rotation-run")).ToHaveAttributeAsync("data-run-id", runId!);
        await Assertions.Expect(page.Locator("#run-state")).ToHaveTextAsync("Completed");

        // The credential itself now verifies with the new (current) secret.
        await page.GotoAsync("/credentials");
        await page.WaitForCircuitAsync();
        await page.Locator("#credentials-table a").Filter(new() { HasText = "ProcoreAdmin Demo" }).First.ClickAsync();
        await page.WaitForCircuitAsync();
        await page.Locator("#verify-now").ClickAsync();
        await Assertions.Expect(page.Locator("#check-outcome")).ToHaveTextAsync("OK", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync(newSecret);
        await page.Context.CloseAsync();
    }
}

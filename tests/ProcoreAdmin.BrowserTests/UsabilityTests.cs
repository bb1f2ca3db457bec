using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

/// <summary>What a person sees and does: plain words, a remembered colour scheme, a form done with the keyboard alone.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class UsabilityTests(BrowserFixture fixture)
{
    [GeneratedRegex(@"\b(AppNotConnected|InvalidClient|SuspectedCompromise|RotationDue|SecretUnreadable|RateLimited)\b|manual:|credential #\d")]
    private static partial Regex InternalWords();

    [Fact]
    public async Task EveryPage_AfterAManualJobRun_ShowsPlainWords_NotInternalNames()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("admin", "/maintenance");
        await page.WaitForCircuitAsync();
        await page.Locator("#run-housekeeping").ClickAsync();
        await Assertions.Expect(page.Locator("#job-runs")).ToContainTextAsync("Run now by Ada Admin", new() { Timeout = 30_000 });

        var problems = new List<string>();
        foreach (var path in PageSweep.StaffPages)
        {
            await page.OpenSettledAsync(path);
            var text = await page.Locator("main").InnerTextAsync();
            problems.AddRange(InternalWords().Matches(text).Select(m => $"{path}: “{m.Value}”"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task DarkMode_ChosenOnce_IsThereOnReload_AlreadyInThePrerenderedPage()
    {
        var page = await fixture.NewPageAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.SignInAsync("viewer", "/companies");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "light");

        await page.Locator("#theme-toggle").ClickAsync();
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "dark");

        // The same session with scripts off shows only the server's prerendered HTML: it must already be dark.
        var prerendered = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), JavaScriptEnabled = false });
        await prerendered.AddCookiesAsync((await page.Context.CookiesAsync()).Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = c.SameSite,
        }));
        var staticPage = await prerendered.NewPageAsync();
        await staticPage.GotoAsync("/companies");
        await Assertions.Expect(staticPage.Locator("#theme-toggle")).ToHaveAttributeAsync("data-theme", "dark");
        var background = await staticPage.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.mud-layout') ?? document.body).backgroundColor");
        Assert.True(IsDark(background), $"prerendered background {background} is not dark");

        await prerendered.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ColourScheme_NoChoiceMade_FollowsTheOperatingSystemWhileOpen_UntilTheUserChooses()
    {
        var page = await fixture.NewPageAsync();
        var toggle = page.Locator("#theme-toggle");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.SignInAsync("viewer", "/companies");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "light");

        // The operating system turns dark with the page open (e.g. at sunset): the app follows.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "dark");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.mud-layout')).backgroundColor");
        Assert.True(IsDark(background), $"background {background} is not dark after the system turned dark");

        // Once the user has chosen, the operating system no longer decides.
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "light");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });

        // A round trip through the circuit after the change events, so they were handled before the check.
        await page.Locator("[data-nav=credentials]").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Credentials");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "light");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CredentialForm_WithTheKeyboardOnly_RegistersACredential_AndFocusLandsOnTheNewPageHeading()
    {
        var page = await fixture.NewPageAsync();
        // A Production credential installed nowhere: the other tests' demo companies keep only the demo credential.
        await page.SignInAsync("admin", "/credentials/new");
        await page.OpenSettledAsync("/credentials/new");

        // After the page loads, focus sits on its heading (the router moves it there), so Tab goes on into the form.
        await page.WaitForFunctionAsync("() => document.activeElement?.tagName === 'H1'");

        await TabToAsync(page, "credential-label");
        await page.Keyboard.TypeAsync("Keyboard only (browser test)");
        await TabToAsync(page, "credential-client-id");
        await page.Keyboard.TypeAsync("keyboard-only-client");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("FAKE-procoreadmin-demo-secret-not-real");
        await TabToAsync(page, "credential-owners");
        await page.Keyboard.TypeAsync("ops@example.com");
        await TabToAsync(page, "credential-save");
        await page.Keyboard.PressAsync("Enter");
        // The made-up secret fails the test before save (Procore cannot be reached here): the explicit "Save anyway"
        // choice is reachable by keyboard too.
        await page.Locator("#credential-save-anyway").WaitForAsync();
        await TabToAsync(page, "credential-save-anyway");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(new Regex("/credentials/\\d+$"));
        await Assertions.Expect(page.Locator("#credential-title")).ToHaveTextAsync("Keyboard only (browser test)");
        // Focus is not lost on the body: it moves to the new page's heading, where a screen reader starts reading.
        await page.WaitForFunctionAsync("() => document.activeElement?.tagName === 'H1'");

        // Leave the shared app as it was: other tests pick the first credential of a company or of the console.
        await StepUpBrowserTests.ConfirmDeleteAsync(page, "Keyboard only (browser test)");
        await page.WaitForURLAsync(new Regex("/credentials$"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Projects_ChoosingACompany_PutsItInTheAddressBar_AndAReloadOpensItAgain()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("viewer", "/projects");
        await page.OpenSettledAsync("/projects");

        // The company filter is a native select (lighter circuits): choose by its visible text.
        await ChooseNorthwindAsync(page);

        // The choice loads the company's credential sets before the address changes: slow on a loaded machine, like the
        // grid below (30 s); on a timeout the message says where the browser is and what it shows.
        await page.WaitForPathAsync(new Regex(@"/projects\?company=\d+$"), TimeSpan.FromSeconds(30));

        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#projects-grid tbody tr.mud-table-row")).ToHaveCountAsync(25, new() { Timeout = 30_000 });
        await page.Context.CloseAsync();
    }

    internal static async Task ChooseNorthwindAsync(IPage page)
    {
        var select = page.Locator("[data-testid=company-select]");
        var value = await select.Locator("option", new() { HasText = "Northwind Builders" }).GetAttributeAsync("value");
        await select.SelectOptionAsync(value!);
    }

    private static Task<string> ActiveIdAsync(IPage page) =>
        page.EvaluateAsync<string>("() => { const a = document.activeElement; return a?.id || a?.closest('[id]')?.id || ''; }");

    /// <summary>Presses Tab until the focused element is (or sits inside) the element with that id; fails after 40 presses.</summary>
    private static async Task TabToAsync(IPage page, string id)
    {
        for (var i = 0; i < 40; i++)
        {
            var inside = await page.EvaluateAsync<bool>($"() => !!document.activeElement?.closest('#{id}') || document.activeElement?.id === '{id}'");
            if (inside)
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"#{id} was not reached with the Tab key");
    }

    private static bool IsDark(string rgb)
    {
        var parts = Regex.Matches(rgb, @"\d+").Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return parts.Length >= 3 && (parts[0] + parts[1] + parts[2]) / 3 < 100;
    }
}

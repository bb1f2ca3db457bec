using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("admin", "Ada Admin", "Admin")]
    [InlineData("operator", "Otto Operator", "Operator")]
    [InlineData("viewer", "Vera Viewer", "Viewer")]
    public async Task SignIn_ThroughDevIdentity_ShowsTheShellWithNameAndRole(string username, string name, string role)
    {
        var page = await fixture.NewPageAsync();

        await page.SignInAsync(username);
        await page.WaitForCircuitAsync();

        Assert.Equal(fixture.BaseAddress.Authority, new Uri(page.Url).Authority);
        Assert.Equal(name, (await page.Locator("#user-name").InnerTextAsync()).Trim());
        Assert.Equal(role, (await page.Locator("#user-role").InnerTextAsync()).Trim());
        var sections = await page.Locator("[data-nav]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.nav)");
        Assert.Contains("credentials", sections);
        Assert.Equal(role == "Admin", sections.Contains("hangfire"));

        var session = (await page.Context.CookiesAsync()).Where(c => c.Name.StartsWith(".ProcoreAdmin.Session", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(session);
        Assert.All(session, c => Assert.True(c.HttpOnly, $"{c.Name} is readable by script"));
        Assert.All(session, c => Assert.Equal(Microsoft.Playwright.SameSiteAttribute.Lax, c.SameSite));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignOut_EndsTheAppAndIdentityProviderSessions()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("viewer", "/companies");
        await page.WaitForCircuitAsync();
        Assert.EndsWith("/companies", page.Url);

        await page.Locator("#signout").ClickAsync();
        await page.WaitForURLAsync("**/account/signed-out");

        // The identity provider's session ended too: signing in again asks for the password.
        await page.Locator("#signin-again").ClickAsync();
        await page.Locator("input[name=username]").WaitForAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignIn_WithoutAnAppRole_ShowsAStyledPageThatSaysWhomToAsk_AndSignsOut()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("outsider");

        var main = page.Locator("main#main-content");
        await Assertions.Expect(main.Locator("h1")).ToContainTextAsync("no access");
        await Assertions.Expect(main).ToContainTextAsync("Ask your ProcoreAdmin administrator");
        // Styled by the public layout (the brand bar and the card), not bare HTML.
        await Assertions.Expect(page.Locator(".public-shell .public-bar")).ToBeVisibleAsync();
        Assert.NotEqual("rgba(0, 0, 0, 0)", await main.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        // No link that loops back to the page that refused them.
        Assert.Equal(0, await main.Locator("a[href='/'], a[href='']").CountAsync());

        await page.Locator("#signout").ClickAsync();
        await page.WaitForURLAsync("**/account/signed-out");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Operator_RunsHousekeepingNow_AndSeesTheRunRecorded()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("operator", "/maintenance");
        await page.WaitForCircuitAsync();

        await page.Locator("#run-housekeeping").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Housekeeping queued");

        // The page follows the queued run until it has finished (the job runs on the Hangfire server in the background).
        await Assertions.Expect(page.Locator("#job-runs")).ToContainTextAsync("Run now by Otto Operator", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#job-runs")).Not.ToContainTextAsync("manual:");
        await Assertions.Expect(page.Locator("#job-runs")).ToContainTextAsync("Succeeded");
        await Assertions.Expect(page.Locator("#job-waiting")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}

using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

/// <summary>Sign-in with an odd returnUrl ends on the app's home page (200), never on another host and never on 5xx.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReturnUrlBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task SignIn_WithOddReturnUrls_StaysOnTheApp_AtTheHomePage()
    {
        var page = await fixture.NewPageAsync();
        var failures = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 500)
            {
                failures.Add($"{response.Status} {response.Url}");
            }
        };
        await page.SignInAsync("viewer", "/account/signin?returnUrl=%2Fcompanies");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/companies");

        // As typed into a query string: tab, backslash, protocol-relative, encoded slashes, absolute, line feed, non-ASCII.
        string[] returnUrls =
        [
            "/%09/evil.example/", "/%5Cevil.example", "%2F%5Cevil.example", "//evil.example", "%2F%2Fevil.example",
            "/%252F%252Fevil.example", "https://evil.example", "https%3A%2F%2Fevil.example", "/%0a/evil.example",
            "/%0d%0aLocation:%20https://evil.example", "/caf%C3%A9", "/%E2%80%AEelpmaxe.live", "/%EF%BC%8F%EF%BC%8Fevil.example",
        ];
        foreach (var returnUrl in returnUrls)
        {
            var response = await page.GotoAsync($"/account/signin?returnUrl={returnUrl}");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/" && !url.Contains("signin-oidc", StringComparison.Ordinal));
            await page.WaitForCircuitAsync();

            var landed = new Uri(page.Url);
            Assert.True(fixture.BaseAddress.Authority == landed.Authority, $"{returnUrl} left the app for {page.Url}");
            Assert.Equal("/", landed.AbsolutePath);
            Assert.NotNull(response);
        }

        Assert.Empty(failures);
        await page.Context.CloseAsync();
    }
}

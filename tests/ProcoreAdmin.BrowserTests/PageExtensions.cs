using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

public static class PageExtensions
{
    /// <summary>Waits until the Blazor circuit is interactive, so clicks are not lost on prerendered HTML.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.Locator("#circuit-state[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Waits until the address matches (a full load or an in-app navigation). On a timeout the message says where the
    /// browser is and what the page shows, so a failure in CI explains itself.
    /// </summary>
    public static async Task WaitForPathAsync(this IPage page, System.Text.RegularExpressions.Regex url, TimeSpan? timeout = null)
    {
        try
        {
            await page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit, Timeout = (float?)timeout?.TotalMilliseconds });
        }
        catch (TimeoutException ex)
        {
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 2_000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "(unreadable)");
            throw new TimeoutException($"Expected an address matching {url}, still at {page.Url}. The page shows: {text[..Math.Min(text.Length, 1_500)]}", ex);
        }
    }

    /// <summary>Opens a page of the app, signs in through DevIdentity's plain HTML form and waits for the shell.</summary>
    public static async Task SignInAsync(this IPage page, string username, string path = "/")
    {
        await page.GotoAsync(path);
        var identityProvider = new Uri(page.Url).Authority;
        await page.Locator("input[name=username]").FillAsync(username);
        await page.Locator("input[name=password]").FillAsync("dev");
        await page.Locator("#signin").ClickAsync();

        // Back on the app, past the sign-in callback, and loaded: the redirects are over, so the test's next navigation
        // cannot interrupt them (or be interrupted by them).
        await page.WaitForURLAsync(
            url => new Uri(url) is var u && u.Authority != identityProvider && !u.AbsolutePath.StartsWith("/signin-oidc", StringComparison.Ordinal),
            new() { WaitUntil = WaitUntilState.Load });
    }
}

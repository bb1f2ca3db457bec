using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

public static class PageExtensions
{
    /// <summary>Waits until the Blazor circuit is interactive, so clicks are not lost on prerendered HTML.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.Locator("#circuit-state[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>Opens a page of the app, signs in through DevIdentity's plain HTML form and waits for the shell.</summary>
    public static async Task SignInAsync(this IPage page, string username, string path = "/")
    {
        await page.GotoAsync(path);
        await page.Locator("input[name=username]").FillAsync(username);
        await page.Locator("input[name=password]").FillAsync("dev");
        await page.Locator("#signin").ClickAsync();
    }
}

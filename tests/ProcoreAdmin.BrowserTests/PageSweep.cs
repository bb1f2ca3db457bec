using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

/// <summary>Every page of the app, and helpers to open each one settled (circuit up, data loaded).</summary>
public static class PageSweep
{
    /// <summary>The pages a member of staff can open (ids 1 are the Development seed's first company and credential).</summary>
    public static readonly IReadOnlyList<string> StaffPages =
    [
        "/", "/companies", "/companies/1", "/credentials", "/credentials/1", "/credentials/new", "/credentials/1/edit",
        "/projects", "/api-console", "/maintenance", "/rotation", "/audit", "/notifications",
    ];

    /// <summary>The cookie that remembers the chosen colour scheme (read at prerender, so there is no flash).</summary>
    public const string ThemeCookie = "procoreadmin-theme";

    public static Task SetThemeAsync(this IBrowserContext context, Uri baseAddress, bool dark) =>
        context.AddCookiesAsync([new Cookie { Name = ThemeCookie, Value = dark ? "dark" : "light", Url = baseAddress.ToString() }]);

    /// <summary>Opens a page and waits until the circuit is interactive and no loading bar is left.</summary>
    public static async Task OpenSettledAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForCircuitAsync();
        await page.Locator("h1").First.WaitForAsync();
        await page.WaitForFunctionAsync("() => !document.querySelector('[role=progressbar] .mud-progress-indeterminate, [data-loading=true]')");
    }

    /// <summary>The elements that stick out to the right of the viewport (empty when nothing scrolls sideways).</summary>
    public static Task<string[]> SidewaysOverflowAsync(this IPage page) => page.EvaluateAsync<string[]>("""
        () => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.width > 0 && r.right > width + 1) {
                    out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].slice(0, 3).join('.')} right=${Math.round(r.right)}`);
                }
            }
            return [`scrollWidth ${document.documentElement.scrollWidth} > ${width}`, ...out.slice(0, 15)];
        }
        """);
}

using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

/// <summary>
/// axe-core (WCAG 2.0/2.1 A and AA rules) on every page, for every role, in light and dark mode: zero serious or
/// critical violations; every page has one main landmark, one h1 and a skip link as its first focusable element.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture fixture)
{
    private static readonly AxeRunOptions WcagAa = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [Theory]
    [InlineData("admin")]
    [InlineData("operator")]
    [InlineData("viewer")]
    public async Task EveryPage_ForRole_InLightAndDarkMode_HasNoSeriousOrCriticalViolations(string role)
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(role);
        await page.WaitForCircuitAsync();

        var problems = new List<string>();
        foreach (var dark in new[] { false, true })
        {
            await page.Context.SetThemeAsync(fixture.BaseAddress, dark);
            foreach (var path in PageSweep.StaffPages)
            {
                await page.OpenSettledAsync(path);
                problems.AddRange(await CheckAsync(page, $"{role} {(dark ? "dark" : "light")} {path}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task NoRolePage_InLightAndDarkMode_HasNoSeriousOrCriticalViolations()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("outsider");
        await page.Locator("h1").WaitForAsync();

        var problems = new List<string>();
        foreach (var dark in new[] { false, true })
        {
            await page.Context.SetThemeAsync(fixture.BaseAddress, dark);
            foreach (var path in new[] { "/", "/account/access-denied" })
            {
                await page.GotoAsync(path);
                problems.AddRange(await CheckAsync(page, $"outsider {(dark ? "dark" : "light")} {path}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        await page.Context.CloseAsync();
    }

    private static async Task<List<string>> CheckAsync(IPage page, string where)
    {
        var problems = new List<string>();
        var result = await page.RunAxe(WcagAa);
        foreach (var v in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            var nodes = string.Join(" | ", v.Nodes.Take(3).Select(n => $"{n.Target} {string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message).Take(2))}"));
            problems.Add($"{where}: {v.Impact} {v.Id} ({v.Help}) ×{v.Nodes.Length}: {nodes}");
        }

        var landmarks = await page.Locator("main").CountAsync();
        var headings = await page.Locator("h1").CountAsync();
        if (landmarks != 1 || headings != 1)
        {
            problems.Add($"{where}: {landmarks} <main> and {headings} <h1> (want one of each)");
        }

        // The first element in the tab order is a skip link that leads to the main content.
        var first = await page.EvaluateAsync<string>("""
            () => {
                const el = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
                    .find(e => e.tabIndex >= 0 && !e.disabled);
                return el ? (el.getAttribute('href') ?? el.outerHTML.slice(0, 80)) : '';
            }
            """);
        if (first != "#main-content")
        {
            problems.Add($"{where}: the first Tab stop is '{first}', not the skip link to #main-content");
        }

        return problems;
    }
}

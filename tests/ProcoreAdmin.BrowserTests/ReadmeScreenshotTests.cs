using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

/// <summary>
/// The README's screenshots: dashboard, projects and rotation in light and dark mode, taken from the real app.
/// <c>.scripts/screenshots.sh</c> sets PROCOREADMIN_SCREENSHOTS to the repository's <c>.screenshots/</c> folder;
/// in a normal test run they go to a temporary folder, so the test still proves each page renders for the camera.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReadmeScreenshotTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ReadmeScreenshots_DashboardProjectsAndRotation_InLightAndDark_AreWritten()
    {
        var folder = Environment.GetEnvironmentVariable("PROCOREADMIN_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Directory.CreateTempSubdirectory("procoreadmin-screenshots-").FullName;
        Directory.CreateDirectory(folder);

        var context = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = fixture.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 800 },
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.SignInAsync("admin");
        await page.WaitForCircuitAsync();

        var written = new List<string>();
        foreach (var mode in new[] { "light", "dark" })
        {
            await context.SetThemeAsync(fixture.BaseAddress, mode == "dark");

            await page.OpenSettledAsync("/");
            written.Add(await ShootAsync(page, folder, $"dashboard-{mode}.png"));

            await page.OpenSettledAsync("/projects");
            await UsabilityTests.ChooseNorthwindAsync(page);
            await Assertions.Expect(page.Locator("#projects-grid tbody tr.mud-table-row")).ToHaveCountAsync(25, new() { Timeout = 30_000 });
            written.Add(await ShootAsync(page, folder, $"projects-{mode}.png"));

            await page.OpenSettledAsync("/rotation");
            await Assertions.Expect(page.Locator("#due-credentials")).ToContainTextAsync("ProcoreAdmin Demo", new() { Timeout = 20_000 });
            written.Add(await ShootAsync(page, folder, $"rotation-{mode}.png"));
        }

        Assert.All(written, f => Assert.True(new FileInfo(f).Length > 10_000, $"{f} looks empty"));
        await context.CloseAsync();
    }

    private static async Task<string> ShootAsync(IPage page, string folder, string name)
    {
        // Let transitions and the chart settle, and keep the focus ring out of the picture.
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        await page.Mouse.MoveAsync(0, 0);
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)");
        var path = Path.Combine(folder, name);
        await page.ScreenshotAsync(new() { Path = path, Animations = ScreenshotAnimations.Disabled });
        return path;
    }
}

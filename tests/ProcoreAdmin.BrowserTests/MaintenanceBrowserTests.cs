using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class MaintenanceBrowserTests(BrowserFixture fixture)
{
    private static ILocator Field(IPage page, string id) => page.Locator($"input#{id}, #{id} input").First;

    [Fact]
    public async Task Admin_EditsASchedule_SeesTheNextFiveRunsInItsZone_RejectsABadCron_AndPausesAndResumes()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("admin", "/maintenance");
        await page.WaitForCircuitAsync();

        var row = page.Locator("#schedules tr").Filter(new() { Has = page.Locator("[data-schedule-kind=rotation-reminder-scan]") });
        await row.Locator("[data-testid=edit]").ClickAsync();
        await Field(page, "cron-input").FillAsync("61 * * * *");
        await Assertions.Expect(page.Locator("#schedule-editor")).ToContainTextAsync("5-field cron");
        await Field(page, "cron-input").FillAsync("30 1 * * *");
        await Field(page, "tz-input").FillAsync("America/New_York");
        await Assertions.Expect(page.Locator("#cron-preview li")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("#cron-preview li").First).ToContainTextAsync("01:30");
        await page.Locator("#save-schedule").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=cron]")).ToHaveTextAsync("30 1 * * *");
        await Assertions.Expect(row).ToContainTextAsync("America/New_York");

        await row.Locator("[data-testid=pause]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=paused]")).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("[data-testid=next-run]")).ToHaveTextAsync("—");
        await row.Locator("[data-testid=resume]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=paused]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Viewer_SeesSchedules_ButNoRunEditOrPauseButtons()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("viewer", "/maintenance");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#schedules")).ToContainTextAsync("prune-job-history");
        await Assertions.Expect(page.Locator("[data-testid=run-now], [data-testid=edit], [data-testid=pause]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}

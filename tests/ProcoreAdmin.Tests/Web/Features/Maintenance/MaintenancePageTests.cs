using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Maintenance;

/// <summary>The Maintenance page, composed of its schedule table and editor, against the real maintenance service.</summary>
public sealed class MaintenancePageTests : MudComponentTest, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;
    private AppGraph _graph = null!;
    private AsyncServiceScope _scope;

    async Task IAsyncLifetime.InitializeAsync() => _db = await TestDatabase.CreateAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _scope.DisposeAsync();
        await _graph.DisposeAsync();
        _db.Dispose();
    }

    /// <summary>The service acts with <paramref name="serviceRole"/>; the page's buttons are shown for an Admin.</summary>
    private async Task<(IRenderedComponent<MaintenancePage> Page, IRenderedComponent<MudSnackbarProvider> Snackbars)> RenderAsync(string serviceRole)
    {
        _graph = AppGraph.Create(_db, _time, new FakeCredentialRegistry(_time), serviceRole);
        await _graph.StartAsync();
        _scope = _graph.Services.CreateAsyncScope();
        Context.Services.AddSingleton(_scope.ServiceProvider.GetRequiredService<MaintenanceService>());
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        Context.AddAuthorization().SetAuthorized("Ada Admin").SetRoles(StaffRoles.Admin, StaffRoles.Operator, StaffRoles.Viewer);
        var snackbars = Context.Render<MudSnackbarProvider>();
        var page = Context.Render<MaintenancePage>();
        page.WaitForElement("#schedules");
        return (page, snackbars);
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<MaintenancePage> page, string kind) =>
        page.FindAll("#schedules tbody tr").Single(r => r.QuerySelector($"[data-schedule-kind='{kind}']") is not null);

    [Fact]
    public async Task MaintenancePage_EditingACron_PreviewsFiveRuns_AndSaveShowsItInTheTable()
    {
        var (page, snackbars) = await RenderAsync(StaffRoles.Admin);

        Row(page, MaintenanceJobKinds.RotationReminderScan).QuerySelector("[data-testid=edit]")!.Click();
        page.WaitForElement("#schedule-editor");
        page.Find("#cron-input").Input("30 1 * * *");
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("#cron-preview li").Count));
        page.Find("#save-schedule").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("#schedule-editor"));
            Assert.Equal("30 1 * * *", Row(page, MaintenanceJobKinds.RotationReminderScan).QuerySelector("[data-testid=cron]")!.TextContent);
        });
        snackbars.WaitForAssertion(() => Assert.Contains("Schedule saved", snackbars.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MaintenancePage_PauseRefusedByTheService_SaysWhy_AndTheScheduleStaysActive()
    {
        var (page, snackbars) = await RenderAsync(StaffRoles.Operator);

        Row(page, MaintenanceJobKinds.Housekeeping).QuerySelector("[data-testid=pause]")!.Click();

        snackbars.WaitForAssertion(() => Assert.Contains("pause maintenance schedules", snackbars.Markup, StringComparison.Ordinal));
        Assert.Empty(Row(page, MaintenanceJobKinds.Housekeeping).QuerySelectorAll("[data-testid=paused]"));
        Assert.NotNull(Row(page, MaintenanceJobKinds.Housekeeping).QuerySelector("[data-testid=pause]"));
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>Retire, remove installation and delete ask first through the one confirmation dialog; retire is undoable.</summary>
public sealed class DestructiveActionConfirmationTests : MudComponentTest
{
    private async Task<(RegistryHarness H, long Id, IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<CredentialDetailPage> Page)> RenderAsync()
    {
        var h = await RegistryHarness.CreateAsync();
        var company = await h.AddCompanyAsync(5000000001, "Northwind Builders");
        var id = await h.AddCredentialAsync("client-x", "TESTSECRET-" + Guid.NewGuid().ToString("N"), company);
        Context.Services.AddSingleton(h.Credentials(StaffRoles.Admin));
        Context.Services.AddSingleton<ICredentialConsumers>(new CredentialPagesTests.NoConsumers());
        h.AddConsumersPanel(Context.Services, StaffRoles.Admin);
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        Context.AddAuthorization().SetAuthorized("Ada Admin").SetRoles(StaffRoles.Admin, StaffRoles.Operator, StaffRoles.Viewer);
        var dialogs = Context.Render<MudDialogProvider>();
        var page = Context.Render<CredentialDetailPage>(p => p.Add(x => x.Id, id));
        page.WaitForElement("#retire");
        return (h, id, dialogs, page);
    }

    private static async Task<CredentialStatus> StatusAsync(RegistryHarness h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        return (await db.CredentialSets.SingleAsync()).Status;
    }

    [Fact]
    public async Task Retire_AsksWithBlastRadiusAndARequiredReason_ThenRetires_AndRestoreUndoesIt()
    {
        var (h, _, dialogs, page) = await RenderAsync();
        await using var _h = h;

        page.Find("#retire").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Northwind Builders (5000000001)", dialogs.Find("[data-testid=confirm-effects]").TextContent));
        Assert.Equal("App client-x", dialogs.Find("[data-testid=confirm-object]").TextContent);
        Assert.True(dialogs.Find("#confirm-button").HasAttribute("disabled"));
        Assert.Equal(CredentialStatus.Active, await StatusAsync(h));

        dialogs.Find("#confirm-reason").Input("replaced by the v2 app");
        dialogs.WaitForAssertion(() => Assert.False(dialogs.Find("#confirm-button").HasAttribute("disabled")));
        dialogs.Find("#confirm-button").Click();

        page.WaitForElement("#restore");
        Assert.Equal(CredentialStatus.Retired, await StatusAsync(h));
        page.Find("#restore").Click();
        page.WaitForElement("#retire");
        Assert.Equal(CredentialStatus.Active, await StatusAsync(h));
        await using var db = await h.Db.CreateDbContextAsync();
        var details = await db.AuditEvents.Where(a => a.Action == "credential.status").Select(a => a.Detail).ToListAsync();
        Assert.Contains(details, d => d!.Contains("replaced by the v2 app", StringComparison.Ordinal));
        Assert.Contains(details, d => d!.Contains("Retired → Active", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retire_CancelledInTheDialog_ChangesNothing()
    {
        var (h, _, dialogs, page) = await RenderAsync();
        await using var _h = h;

        page.Find("#retire").Click();
        dialogs.WaitForElement("#confirm-cancel-button").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=confirm-object]")));
        Assert.Equal(CredentialStatus.Active, await StatusAsync(h));
    }

    [Fact]
    public async Task RemoveInstallation_AsksFirstNamingTheCompany()
    {
        var (h, _, dialogs, page) = await RenderAsync();
        await using var _h = h;

        page.Find("[data-testid=remove-installation]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Northwind Builders (5000000001)", dialogs.Find("[data-testid=confirm-object]").TextContent));
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            Assert.Equal(1, await db.Installations.CountAsync());
        }

        dialogs.Find("#confirm-button").Click();
        page.WaitForAssertion(() => Assert.Contains("Not installed in any registered company", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_NeedsTheTypedName_BeforeItCanBeConfirmed()
    {
        var (h, _, dialogs, page) = await RenderAsync();
        await using var _h = h;

        page.Find("#delete").Click();

        dialogs.WaitForElement("#confirm-typed").Input("App client");
        Assert.True(dialogs.Find("#confirm-button").HasAttribute("disabled"));
        dialogs.Find("#confirm-typed").Input("App client-x");
        dialogs.WaitForAssertion(() => Assert.False(dialogs.Find("#confirm-button").HasAttribute("disabled")));
        dialogs.Find("#confirm-button").Click();

        // After deleting, the page goes back to the list.
        var navigation = Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/credentials", navigation.Uri, StringComparison.Ordinal));
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.False(await db.CredentialSets.AnyAsync());
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Companies;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Companies;

/// <summary>Archiving a company asks first (what it affects, how to undo), then confirms with a message.</summary>
public sealed class CompanyArchiveConfirmationTests : MudComponentTest
{
    [Fact]
    public async Task Archive_AsksFirstWithTheBlastRadius_ThenArchivesAndSaysSo()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var company = await h.AddCompanyAsync(5000000001, "Northwind Builders");
        await h.AddCredentialAsync("client-a", "TESTSECRET-" + Guid.NewGuid().ToString("N"), company);
        Context.Services.AddSingleton(h.Companies(StaffRoles.Admin));
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        Context.AddAuthorization().SetAuthorized("Ada Admin").SetRoles(StaffRoles.Admin, StaffRoles.Operator, StaffRoles.Viewer);
        var dialogs = Context.Render<MudDialogProvider>();
        var snackbars = Context.Render<MudSnackbarProvider>();
        var page = Context.Render<CompaniesPage>();

        page.WaitForElement("[data-testid=archive-company]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Northwind Builders (5000000001)", dialogs.Find("[data-testid=confirm-object]").TextContent));
        Assert.Contains("1 credential set(s)", dialogs.Find("[data-testid=confirm-effects]").TextContent, StringComparison.Ordinal);
        Assert.Contains("restore", dialogs.Find("[data-testid=confirm-undo]").TextContent, StringComparison.Ordinal);
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            Assert.Null((await db.Companies.SingleAsync()).ArchivedUtc);
        }

        dialogs.Find("#confirm-button").Click();

        snackbars.WaitForAssertion(() => Assert.Contains("Archived Northwind Builders.", snackbars.Markup, StringComparison.Ordinal));
        await using var check = await h.Db.CreateDbContextAsync();
        Assert.NotNull((await check.Companies.SingleAsync()).ArchivedUtc);
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Data.TokenBroker;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.TokenBroker;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.TokenBroker;

public sealed class ConsumersPanelTests : MudComponentTest
{
    [Fact]
    public async Task ConsumersPanel_ShowsGrantsLastIssuanceAndIssuancesPerDay_AdminRevokes_ViewerSeesNoActions()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var northwind = await h.AddCompanyAsync(5000000001, "Northwind");
        var id = await h.AddCredentialAsync("client-ui", "TESTSECRET-" + Guid.NewGuid().ToString("N"), northwind);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            var grant = new BrokerGrant
            {
                MachineClientId = "billing-sync", CredentialSetId = id, Description = "Billing sync", CreatedUtc = DateTime.UtcNow, CreatedBy = "Ada",
                LastIssuedUtc = DateTime.UtcNow, Companies = [new BrokerGrantCompany { ProcoreCompanyId = 5000000001 }],
            };
            db.BrokerGrants.Add(grant);
            await db.SaveChangesAsync();
            db.BrokerIssuanceDays.AddRange(new BrokerIssuanceDay { GrantId = grant.Id, Day = today.AddDays(-1), Count = 7 }, new BrokerIssuanceDay { GrantId = grant.Id, Day = today, Count = 5 });
            await db.SaveChangesAsync();
        }

        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        h.AddConsumersPanel(Context.Services, StaffRoles.Admin);
        Context.AddAuthorization().SetAuthorized("Ada Admin").SetRoles(ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(StaffRoles.Admin));

        var panel = Context.Render<ConsumersPanel>(p => p.Add(x => x.CredentialId, id));
        panel.WaitForAssertion(() => Assert.Contains("billing-sync", panel.Find("#consumer-grants").TextContent));
        var row = panel.Find("tr[data-grant]");
        Assert.Equal("active", row.GetAttribute("data-state"));
        Assert.Contains($"{today.AddDays(-1):MM-dd}: 7", row.QuerySelector(".issuances")!.TextContent);
        Assert.Contains($"{today:MM-dd}: 5", row.QuerySelector(".issuances")!.TextContent);
        Assert.DoesNotContain("never", row.QuerySelector(".last-issued")!.TextContent);
        Assert.NotEmpty(panel.FindAll("#grant-save"));

        await panel.InvokeAsync(() => panel.Find(".revoke-grant").Click());
        panel.WaitForAssertion(() => Assert.Equal("revoked", panel.Find("tr[data-grant]").GetAttribute("data-state")));
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            Assert.NotNull((await db.BrokerGrants.SingleAsync()).RevokedUtc);
            Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.Action == "broker.revoke"));
        }
    }

    [Fact]
    public async Task ConsumersPanel_AsViewer_HasNoGrantFormOrRevoke_AndGrantingDirectlyIsRefused()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var northwind = await h.AddCompanyAsync(5000000001, "Northwind");
        var id = await h.AddCredentialAsync("client-ui", "TESTSECRET-" + Guid.NewGuid().ToString("N"), northwind);
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        h.AddConsumersPanel(Context.Services, StaffRoles.Viewer);
        Context.AddAuthorization().SetAuthorized("Vera Viewer").SetRoles(StaffRoles.Viewer);

        var panel = Context.Render<ConsumersPanel>(p => p.Add(x => x.CredentialId, id));
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("#consumers-empty")));
        Assert.Empty(panel.FindAll("#grant-save"));

        await panel.InvokeAsync(() => panel.Instance.GrantAsync());
        panel.WaitForAssertion(() => Assert.Contains("You need the", panel.Find("#consumers-message").TextContent));
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.False(await db.BrokerGrants.AnyAsync());
    }
}

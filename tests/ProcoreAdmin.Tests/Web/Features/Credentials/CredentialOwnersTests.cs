using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>Owners are people (e-mail addresses), so rotation and health notifications reach someone.</summary>
public sealed class CredentialOwnersTests
{
    private static CredentialInput Input(RegistryHarness h, string? owners) => new()
    {
        Label = "Owned app", Environment = "Custom", ClientId = "owned-client", Secret = "TESTSECRET-" + Guid.NewGuid().ToString("N"),
        CustomLoginBaseUrl = h.SimulatorUrl.ToString(), CustomApiBaseUrl = h.SimulatorUrl.ToString(), Owners = owners, SaveAnyway = true,
    };

    [Theory]
    [InlineData("Development")]
    [InlineData("ops@example.test, Platform team")]
    [InlineData("Ada <ada@example.test>")]
    [InlineData("ada@localhost")]
    public async Task Register_WithAnOwnerThatIsNotAnEmailAddress_IsRefusedNamingIt(string owners)
    {
        await using var h = await RegistryHarness.CreateAsync();

        var result = await h.Credentials(StaffRoles.Admin).CreateAsync(Input(h, owners));

        Assert.Contains("Not an e-mail address", result[nameof(CredentialInput.Owners)], StringComparison.Ordinal);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.CredentialSets.CountAsync());
    }

    [Fact]
    public async Task Register_WithOwnerAddresses_StoresThemNormalised()
    {
        await using var h = await RegistryHarness.CreateAsync();

        var result = await h.Credentials(StaffRoles.Admin).CreateAsync(Input(h, " ada@example.test;bob@example.test  ADA@example.test "));

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("ada@example.test, bob@example.test", (await h.Credentials(StaffRoles.Viewer).GetAsync(result.Id!.Value))!.Owners);
    }

    [Fact]
    public async Task ExistingFreeTextOwners_MigrateToAddresses_KeepingTheOldTextInTheNotes()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var free = await h.AddCredentialAsync("free-text", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        var mixed = await h.AddCredentialAsync("mixed", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        var clean = await h.AddCredentialAsync("clean", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            await db.CredentialSets.Where(c => c.Id == free).ExecuteUpdateAsync(s => s.SetProperty(c => c.Owners, "Development"));
            await db.CredentialSets.Where(c => c.Id == mixed).ExecuteUpdateAsync(s => s.SetProperty(c => c.Owners, "Platform team; ops@example.test"));
            await db.CredentialSets.Where(c => c.Id == clean).ExecuteUpdateAsync(s => s.SetProperty(c => c.Owners, "ada@example.test"));
        }

        var audit = h.Services.GetRequiredService<AuditTrail>();
        Assert.Equal(2, await CredentialOwnerMigration.MigrateFreeTextOwnersAsync(h.Db, audit, CancellationToken.None));
        Assert.Equal(0, await CredentialOwnerMigration.MigrateFreeTextOwnersAsync(h.Db, audit, CancellationToken.None));

        await using var check = await h.Db.CreateDbContextAsync();
        var rows = await check.CredentialSets.AsNoTracking().ToDictionaryAsync(c => c.Id);
        Assert.Null(rows[free].Owners);
        Assert.Contains("Owner before owners became e-mail addresses: Development", rows[free].Notes, StringComparison.Ordinal);
        Assert.Equal("ops@example.test", rows[mixed].Owners);
        Assert.Contains("Platform team", rows[mixed].Notes, StringComparison.Ordinal);
        Assert.Equal("ada@example.test", rows[clean].Owners);
        Assert.Equal(2, await check.AuditEvents.CountAsync(a => a.Action == "credential.owners-migrated"));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>One unit of work per change: the secret slots and their audit row commit together or not at all.</summary>
public sealed class SecretStoreUnitOfWorkTests : IAsyncLifetime
{
    private RegistryHarness _h = null!;

    public async Task InitializeAsync() => _h = await RegistryHarness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Marker() => "TESTSECRET-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task SetPendingSecret_SaveFailsAfterTheEarlierPendingWasReplaced_KeepsTheEarlierPendingSecret()
    {
        var id = await _h.AddCredentialAsync("client-uow", Marker());
        var earlier = Marker();
        await _h.Store.SetPendingSecretAsync(id, earlier, StaffActor.System);
        var (_, before) = await _h.Store.GetFingerprintsAsync(id);
        var failing = new FailingSaveFactory(_h.DatabaseFile, _h.Folder, "credential.secret.set-pending");
        var store = new CredentialSecretStore(failing, _h.Protector, new AuditTrail(failing, TimeProvider.System), TimeProvider.System,
            NullLogger<CredentialSecretStore>.Instance);

        await Assert.ThrowsAsync<DbUpdateException>(() => store.SetPendingSecretAsync(id, Marker(), StaffActor.System));

        Assert.Equal(before, (await _h.Store.GetFingerprintsAsync(id)).Pending);
        Assert.Equal(earlier, await _h.Store.RevealForProcoreAsync(id, SecretSlot.Pending));
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.Action == "credential.secret.set-pending" && a.TargetId == id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task CreateCompany_TheAuditRowCannotBeSaved_NoCompanyIsLeftWithoutItsAuditRow()
    {
        var failing = new FailingSaveFactory(_h.DatabaseFile, _h.Folder, "company.create");
        var companies = new ProcoreAdmin.Web.Features.Companies.CompaniesService(failing, FixedAuthenticationState.As(StaffRoles.Admin),
            new AuditTrail(failing, TimeProvider.System), TimeProvider.System, _h.Credentials(StaffRoles.Admin));

        await Assert.ThrowsAsync<DbUpdateException>(() => companies.CreateAsync(
            new ProcoreAdmin.Web.Features.Companies.CompanyInput { ProcoreCompanyId = "5000000009", Name = "Fabrikam", Environment = "Custom" }));

        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.False(await db.Companies.AnyAsync(c => c.ProcoreCompanyId == 5000000009));
    }

    /// <summary>The app's context factory, but a save that carries the audit row <paramref name="failingAction"/> fails (disk full, lost connection…).</summary>
    private sealed class FailingSaveFactory(string file, string folder, string failingAction) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<AppDbContext>();
            DatabaseSetup.Configure(builder, new DatabaseOptions { ConnectionString = $"Data Source={file}" }, folder);
            builder.AddInterceptors(new FailOn(failingAction));
            return new AppDbContext(builder.Options);
        }
    }

    private sealed class FailOn(string action) : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            eventData.Context!.ChangeTracker.Entries<AuditEvent>().Any(e => e.Entity.Action == action)
                ? throw new DbUpdateException("injected: the save failed")
                : ValueTask.FromResult(result);
    }
}

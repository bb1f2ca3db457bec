using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

public sealed class CredentialRegistryTests : IAsyncLifetime
{
    private RegistryHarness _h = null!;

    public async Task InitializeAsync() => _h = await RegistryHarness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Marker() => "TESTSECRET-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Create_AsAdmin_StoresOnlyCiphertextAndKeyedFingerprint()
    {
        var secret = Marker();
        var id = await _h.AddCredentialAsync("client-a", secret);

        await using var db = await _h.Db.CreateDbContextAsync();
        var row = await db.CredentialSecrets.SingleAsync(s => s.CredentialSetId == id);
        Assert.Equal(SecretVersionState.Current, row.State);
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(row.Ciphertext));
        Assert.Equal(_h.Protector.CurrentKeyId, SecretProtector.KeyIdOf(row.Ciphertext));
        Assert.Equal(row.KeyId, SecretProtector.KeyIdOf(row.Ciphertext));
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), row.Fingerprint);
        Assert.NotEqual(Convert.ToHexStringLower(HMACSHA256.HashData(new byte[32], Encoding.UTF8.GetBytes(secret))), row.Fingerprint);
        Assert.Equal(row.Fingerprint, await _h.Protector.FingerprintAsync(secret));
        Assert.Equal(secret, await _h.Store.RevealForProcoreAsync(id, SecretSlot.Current));
    }

    [Fact]
    public async Task Environment_StoredCredential_ColumnHoldsTheEnvironmentName()
    {
        var id = await _h.AddCredentialAsync("client-env", Marker());

        await using var db = await _h.Db.CreateDbContextAsync();
        var stored = await db.Database
            .SqlQuery<string>($"SELECT \"Environment\" AS \"Value\" FROM \"CredentialSets\" WHERE \"Id\" = {id}").SingleAsync();
        Assert.Equal("Custom", stored);

        await db.Database.ExecuteSqlAsync($"UPDATE \"CredentialSets\" SET \"Environment\" = {"Federal"} WHERE \"Id\" = {id}");
        var reread = await db.CredentialSets.AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.Equal(ProcoreAdmin.ProcoreClient.ProcoreEnvironment.Federal, reread.Environment);
    }

    [Fact]
    public async Task Fingerprint_IsStoredOnlyUnderDataProtection()
    {
        await _h.Protector.FingerprintAsync("anything");
        await using var db = await _h.Db.CreateDbContextAsync();
        var key = await db.CredentialKeyMaterial.SingleAsync(k => k.Name == SecretProtector.FingerprintKeyName);
        Assert.True(key.Protected.Length > 32 + 20, "The fingerprint key is stored as a Data Protection payload, never the 32 raw bytes.");
        Assert.Equal(_h.Protector.CurrentKeyId, SecretProtector.KeyIdOf(key.Protected));
    }

    [Fact]
    public async Task Verify_DemoCredentialAgainstSimulator_IsOkWithObservedCompanies()
    {
        var northwind = await _h.AddCompanyAsync(5000000001, "Northwind Builders");
        var contoso = await _h.AddCompanyAsync(5000000002, "Contoso");
        var id = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret, northwind, contoso);

        var result = await _h.Credentials(StaffRoles.Operator).VerifyAsync(id);

        Assert.Equal(VerificationOutcome.Ok, result.Outcome);
        Assert.Equal([5000000001L, 5000000002L], result.ExpectedCompanyIds);
        Assert.Equal([5000000001L, 5000000002L], result.ObservedCompanyIds);
        Assert.Empty(result.MissingCompanyIds);
        var detail = await _h.Credentials(StaffRoles.Viewer).GetAsync(id);
        Assert.Equal("Ok", detail!.LastCheckOutcome);
        Assert.All(detail.Installations, i => Assert.True(i.Observed));
        Assert.All(_h.Simulator.State.GetRequests().Where(r => r.Path.Contains("/rest/", StringComparison.Ordinal)),
            r => Assert.Contains(r.Path, new[] { "/rest/v1.0/me", "/rest/v1.0/companies" }));
    }

    [Fact]
    public async Task Verify_InstalledWhereAppIsNotConnected_ReportsAppNotConnectedAndDrift()
    {
        var northwind = await _h.AddCompanyAsync(5000000001, "Northwind Builders");
        var fabrikam = await _h.AddCompanyAsync(5000000003, "Fabrikam");
        var id = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret, northwind, fabrikam);

        var result = await _h.Credentials(StaffRoles.Admin).VerifyAsync(id);

        Assert.Equal(VerificationOutcome.AppNotConnected, result.Outcome);
        Assert.Equal(VerificationOutcome.AppNotConnected, result.Companies.Single(c => c.ProcoreCompanyId == 5000000003).Outcome);
        Assert.Equal(VerificationOutcome.Ok, result.Companies.Single(c => c.ProcoreCompanyId == 5000000001).Outcome);
        Assert.Equal([5000000003L], result.MissingCompanyIds);
        Assert.Contains(5000000002L, result.UnexpectedCompanyIds);
    }

    [Fact]
    public async Task Verify_WrongSecret_ReportsInvalidClient()
    {
        var northwind = await _h.AddCompanyAsync(5000000001, "Northwind Builders");
        var id = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, Marker(), northwind);

        var result = await _h.Credentials(StaffRoles.Operator).VerifyAsync(id);

        Assert.Equal(VerificationOutcome.InvalidClient, result.Outcome);
    }

    [Fact]
    public async Task CiphertextCopiedIntoAnotherRow_DoesNotDecrypt_IsAudited_AndNothingIsSentToProcore()
    {
        var northwind = await _h.AddCompanyAsync(5000000001, "Northwind Builders");
        var a = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret, northwind);
        var b = await _h.AddCredentialAsync("other-client", Marker(), northwind);
        await using (var db = await _h.Db.CreateDbContextAsync())
        {
            var source = await db.CredentialSecrets.SingleAsync(s => s.CredentialSetId == a);
            await db.CredentialSecrets.Where(s => s.CredentialSetId == b).ExecuteUpdateAsync(s => s.SetProperty(x => x.Ciphertext, source.Ciphertext));
        }

        var before = _h.TokenRequests();
        var result = await _h.Credentials(StaffRoles.Operator).VerifyAsync(b);

        Assert.Equal(VerificationOutcome.SecretUnreadable, result.Outcome);
        Assert.Equal(before, _h.TokenRequests());
        await using var check = await _h.Db.CreateDbContextAsync();
        Assert.True(await check.AuditEvents.AnyAsync(e => e.Action == "credential.secret.unreadable" && e.TargetId == b.ToString()));
        await Assert.ThrowsAsync<CredentialUnreadableException>(async () => await _h.Store.RevealForProcoreAsync(b, SecretSlot.Current));
    }

    [Fact]
    public async Task TamperedCiphertext_FailsClosed_WithHandledErrorAndAudit()
    {
        var northwind = await _h.AddCompanyAsync(5000000001, "Northwind Builders");
        var id = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret, northwind);
        await using (var db = await _h.Db.CreateDbContextAsync())
        {
            var row = await db.CredentialSecrets.SingleAsync(s => s.CredentialSetId == id);
            row.Ciphertext[^5] ^= 0x01;
            db.Entry(row).Property(x => x.Ciphertext).IsModified = true;
            await db.SaveChangesAsync();
        }

        var before = _h.TokenRequests();
        var result = await _h.Credentials(StaffRoles.Operator).VerifyAsync(id);

        Assert.Equal(VerificationOutcome.SecretUnreadable, result.Outcome);
        Assert.Equal(before, _h.TokenRequests());
        Assert.DoesNotContain("   at ", result.Summary, StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<CredentialUnreadableException>(async () => await _h.Store.RevealForProcoreAsync(id, SecretSlot.Current));
        Assert.Equal(id, ex.CredentialId);
        await using var check = await _h.Db.CreateDbContextAsync();
        Assert.True(await check.AuditEvents.CountAsync(e => e.Action == "credential.secret.unreadable") >= 2);
    }

    [Fact]
    public async Task KeyRotation_OldRowsStillDecrypt_AndReprotectMovesEveryRowToTheNewKey()
    {
        var secrets = Enumerable.Range(0, 5).Select(_ => Marker()).ToList();
        var ids = new List<long>();
        for (var i = 0; i < secrets.Count; i++)
        {
            ids.Add(await _h.AddCredentialAsync($"client-{i}", secrets[i]));
        }

        await _h.Store.SetPendingSecretAsync(ids[0], Marker(), StaffActor.System);
        var oldKey = _h.Protector.CurrentKeyId;
        var keysBefore = _h.KeyManager.GetAllKeys().Count;

        var now = DateTimeOffset.UtcNow;
        _h.KeyManager.CreateNewKey(now.AddSeconds(1), now.AddDays(90)); // activated after the first key, within the clock-skew allowance
        // The key ring provider refreshes its cache in the background after a key is added: wait for the new default key.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var newKey = _h.Protector.CurrentKeyId;
        while (newKey == oldKey && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            newKey = _h.Protector.CurrentKeyId;
        }

        Assert.NotEqual(oldKey, newKey);

        for (var i = 0; i < secrets.Count; i++)
        {
            Assert.Equal(secrets[i], await _h.Store.RevealForProcoreAsync(ids[i], SecretSlot.Current));
        }

        Assert.Equal(7, await CountRowsOnKeyAsync(oldKey)); // 6 secret versions + the fingerprint key

        var (moved, unreadable, keyId) = await _h.ReprotectJob.ReprotectAsync(CancellationToken.None);

        Assert.Equal((6, 0, newKey), (moved, unreadable, keyId));
        Assert.Equal(0, await CountRowsOnKeyAsync(oldKey));
        for (var i = 0; i < secrets.Count; i++)
        {
            Assert.Equal(secrets[i], await _h.Store.RevealForProcoreAsync(ids[i], SecretSlot.Current));
        }

        Assert.Equal(keysBefore + 1, _h.KeyManager.GetAllKeys().Count);
        Assert.Equal(await _h.Protector.FingerprintAsync(secrets[1]), (await _h.Db.CreateDbContext().CredentialSecrets.SingleAsync(s => s.CredentialSetId == ids[1])).Fingerprint);
    }

    [Fact]
    public async Task ReprotectJob_RecordsItsRun()
    {
        await _h.AddCredentialAsync("client-x", Marker());
        await _h.ReprotectJob.RunAsync(CancellationToken.None);
        await using var db = await _h.Db.CreateDbContextAsync();
        var run = await db.JobRuns.SingleAsync();
        Assert.Equal(ReprotectSecretsJob.Kind, run.JobKind);
        Assert.Equal(ProcoreAdmin.Data.Maintenance.JobRunOutcome.Succeeded, run.Outcome);
        Assert.StartsWith("Re-protected 0 secret(s)", run.Summary);
    }

    [Fact]
    public async Task KeyRingCheck_WithAnotherKeyRing_StopsWithAClearMessage()
    {
        await _h.AddCredentialAsync("client-k", Marker());
        var otherKeys = Directory.CreateTempSubdirectory("procoreadmin-otherkeys-").FullName;
        var provider = Microsoft.AspNetCore.DataProtection.DataProtectionProvider.Create(new DirectoryInfo(otherKeys),
            b => b.SetApplicationName(DataProtectionSetup.ApplicationName));
        var stranger = new SecretProtector(provider, _h.Db, TimeProvider.System);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => stranger.VerifyKeyRingAsync());
        Assert.Contains("key ring cannot decrypt", ex.Message);
        await _h.Protector.VerifyKeyRingAsync();
    }

    [Fact]
    public async Task PromotePending_MakesItCurrent_RetiresOld_AndKeepsOneCurrent()
    {
        var first = Marker();
        var second = Marker();
        var id = await _h.AddCredentialAsync("client-p", first);
        await _h.Store.SetPendingSecretAsync(id, second, StaffActor.System);
        var (current, pending) = await _h.Store.GetFingerprintsAsync(id);
        Assert.StartsWith("fp:", current);
        Assert.StartsWith("fp:", pending);
        Assert.Equal(second, await _h.Store.RevealForProcoreAsync(id, SecretSlot.Pending));

        await _h.Store.PromotePendingSecretAsync(id, StaffActor.System);

        Assert.Equal(second, await _h.Store.RevealForProcoreAsync(id, SecretSlot.Current));
        await using var db = await _h.Db.CreateDbContextAsync();
        var states = await db.CredentialSecrets.Where(s => s.CredentialSetId == id).Select(s => s.State).ToListAsync();
        Assert.Equal(1, states.Count(s => s == SecretVersionState.Current));
        Assert.Equal(1, states.Count(s => s == SecretVersionState.Retired));
        Assert.Equal(pending, (await _h.Store.GetFingerprintsAsync(id)).Current);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _h.Store.PromotePendingSecretAsync(id, StaffActor.System));
    }

    [Fact]
    public async Task SecretStoreWrites_ByANonAdminActor_AreForbidden()
    {
        var id = await _h.AddCredentialAsync("client-r", Marker());
        var viewer = new StaffActor("https://idp", "v", "Vera", StaffRoles.Viewer);
        await Assert.ThrowsAsync<StaffForbiddenException>(() => _h.Store.SetPendingSecretAsync(id, Marker(), viewer));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => _h.Store.SetStatusAsync(id, CredentialStatus.Retired, "x", viewer));
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.CredentialSecrets.CountAsync());
        Assert.Equal(CredentialStatus.Active, (await db.CredentialSets.SingleAsync()).Status);
    }

    [Fact]
    public async Task Directory_ToProcoreCredential_DecryptsOnlyWhenATokenIsNeeded()
    {
        var northwind = await _h.AddCompanyAsync(5000000001, "Northwind Builders");
        var id = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret, northwind);
        var directory = _h.DirectoryAs(StaffRoles.Viewer);

        var option = await directory.FindCredentialAsync(id);
        var companies = await directory.ListCompaniesAsync();
        var rotation = await directory.ListRotationInfoAsync();
        var me = await _h.Procore.GetMeAsync(directory.ToProcoreCredential(option!), 5000000001);

        Assert.Equal([5000000001L], option!.InstalledCompanyIds);
        Assert.Single(companies);
        Assert.Equal(id, rotation.Single().CredentialId);
        Assert.True(me.Id > 0);
        Assert.Equal([id], (await directory.ListCredentialsAsync(5000000001)).Select(c => c.CredentialId));
        Assert.Empty(await directory.ListCredentialsAsync(5000000002));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => _h.DirectoryAs("none").ListCompaniesAsync());
    }

    private async Task<int> CountRowsOnKeyAsync(Guid keyId)
    {
        await using var db = await _h.Db.CreateDbContextAsync();
        var payloads = await db.CredentialSecrets.Select(s => s.Ciphertext).ToListAsync();
        // The registry's own key material; the audit chain key (same table, the Audit feature's) is not the re-protect job's.
        payloads.AddRange(await db.CredentialKeyMaterial.Where(k => k.Name != ProcoreAdmin.Web.Features.Audit.AuditChainKey.StoredKeyName)
            .Select(k => k.Protected).ToListAsync());
        return payloads.Count(p => SecretProtector.KeyIdOf(p) == keyId);
    }
}

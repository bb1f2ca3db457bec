using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

public sealed class CredentialsServiceTests : IAsyncLifetime
{
    private RegistryHarness _h = null!;

    public async Task InitializeAsync() => _h = await RegistryHarness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static CredentialInput Valid() => new()
    {
        Label = "Nightly Sync", Environment = "Production", ClientId = "client-1", Secret = "TESTSECRET-" + Guid.NewGuid().ToString("N"),
        SaveAnyway = true, // no Procore is reachable from the tests: the test before save cannot pass
    };

    public static TheoryData<string, string, string> BadInput => new()
    {
        { "label-empty", nameof(CredentialInput.Label), "required" },
        { "label-long", nameof(CredentialInput.Label), "at most 200" },
        { "label-control", nameof(CredentialInput.Label), "control characters" },
        { "env-unknown", nameof(CredentialInput.Environment), "Unknown environment" },
        { "client-empty", nameof(CredentialInput.ClientId), "required" },
        { "client-space", nameof(CredentialInput.ClientId), "spaces" },
        { "secret-empty", nameof(CredentialInput.Secret), "required" },
        { "secret-control", nameof(CredentialInput.Secret), "control characters" },
        { "secret-long", nameof(CredentialInput.Secret), "at most 500" },
        { "secret-spaces", nameof(CredentialInput.Secret), "spaces" },
        { "custom-no-url", nameof(CredentialInput.CustomLoginBaseUrl), "required for the Custom" },
        { "custom-bad-url", nameof(CredentialInput.CustomApiBaseUrl), "absolute http or https" },
        { "interval", nameof(CredentialInput.RotationIntervalDays), "between 1 and 3650" },
        { "company-unknown", nameof(CredentialInput.CompanyIds), "existing, active companies" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Create_WithBadInput_ReturnsAFieldErrorThatNeverEchoesTheSecret_AndStoresNothing(string @case, string field, string message)
    {
        var input = Valid();
        switch (@case)
        {
            case "label-empty": input.Label = "  "; break;
            case "label-long": input.Label = new string('x', 201); break;
            case "label-control": input.Label = "a\u0007b"; break;
            case "env-unknown": input.Environment = "Staging"; break;
            case "client-empty": input.ClientId = null; break;
            case "client-space": input.ClientId = "a b"; break;
            case "secret-empty": input.Secret = ""; break;
            case "secret-control": input.Secret += "\n"; break;
            case "secret-long": input.Secret = new string('s', 501); break;
            case "secret-spaces": input.Secret = " " + input.Secret; break;
            case "custom-no-url": input.Environment = "Custom"; input.CustomApiBaseUrl = "http://127.0.0.1:1/"; break;
            case "custom-bad-url": input.Environment = "Custom"; input.CustomLoginBaseUrl = "http://127.0.0.1:1/"; input.CustomApiBaseUrl = "http://user@127.0.0.1/?q=1"; break;
            case "interval": input.RotationIntervalDays = 0; break;
            case "company-unknown": input.CompanyIds = [424242]; break;
        }

        var result = await _h.Credentials(StaffRoles.Admin).CreateAsync(input);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result[field]);
        Assert.All(result.Errors.Values, e => Assert.DoesNotContain("TESTSECRET", e));
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.CredentialSets.CountAsync());
        Assert.Equal(0, await db.CredentialSecrets.CountAsync());
    }

    [Fact]
    public async Task Create_DuplicateClientIdInOneEnvironment_IsRejected_ButAllowedInAnother()
    {
        var service = _h.Credentials(StaffRoles.Admin);
        Assert.True((await service.CreateAsync(Valid())).Succeeded);

        var duplicate = await service.CreateAsync(Valid());
        var sandbox = Valid();
        sandbox.Environment = "DeveloperSandbox";

        Assert.Contains("already exists in Production", duplicate[nameof(CredentialInput.ClientId)]);
        Assert.True((await service.CreateAsync(sandbox)).Succeeded);
    }

    [Fact]
    public async Task Update_ByTwoAdminsFromTheSameVersion_SecondGetsAConflictAndNothingIsLost()
    {
        var id = await _h.AddCredentialAsync("client-c", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        var detail = await _h.Credentials(StaffRoles.Viewer).GetAsync(id);
        var a = detail!.ToInput();
        a.Owners = "alice@example.test";
        var b = detail.ToInput();
        b.Owners = "bob@example.test";

        var first = await _h.Credentials(StaffRoles.Admin).UpdateAsync(id, a, detail.Version);
        var second = await _h.Credentials(StaffRoles.Admin).UpdateAsync(id, b, detail.Version);
        var replace = await _h.Credentials(StaffRoles.Admin).ReplaceSecretAsync(id, "TESTSECRET-" + Guid.NewGuid().ToString("N"), detail.Version, saveAnyway: true);

        Assert.True(first.Succeeded);
        Assert.True(second.IsConflict);
        Assert.True(replace.IsConflict);
        var after = await _h.Credentials(StaffRoles.Viewer).GetAsync(id);
        Assert.Equal("alice@example.test", after!.Owners);
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.CredentialSecrets.CountAsync(s => s.CredentialSetId == id));
    }

    [Fact]
    public async Task Update_ChangingClientIdWithoutANewSecret_IsRejected()
    {
        var id = await _h.AddCredentialAsync("client-d", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        var detail = await _h.Credentials(StaffRoles.Viewer).GetAsync(id);
        var input = detail!.ToInput();
        input.ClientId = "client-e";

        var result = await _h.Credentials(StaffRoles.Admin).UpdateAsync(id, input, detail.Version);

        Assert.Contains("matching client secret", result[nameof(CredentialInput.Secret)]);
    }

    [Fact]
    public async Task WriteMethods_AsViewer_AreForbiddenAndChangeNothing()
    {
        var company = await _h.AddCompanyAsync(5000000001, "Northwind");
        var id = await _h.AddCredentialAsync("client-v", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        await using var db = await _h.Db.CreateDbContextAsync();
        var auditBefore = await db.AuditEvents.CountAsync();
        var tokensBefore = _h.TokenRequests(); // the registration's own test before save
        var viewer = _h.Credentials(StaffRoles.Viewer);

        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.CreateAsync(Valid()));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.UpdateAsync(id, Valid(), 0));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.ReplaceSecretAsync(id, "TESTSECRET-x", 0));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.VerifyAsync(id));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.MarkSuspectedCompromiseAsync(id, "why"));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.RetireAsync(id));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.DeleteAsync(id, "App client-v"));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.InstallAsync(id, company));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.UninstallAsync(id, company));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => _h.Credentials(StaffRoles.Operator).DeleteAsync(id, "App client-v"));

        var credential = await db.CredentialSets.AsNoTracking().SingleAsync();
        Assert.Equal(CredentialStatus.Active, credential.Status);
        Assert.Equal(1, await db.CredentialSecrets.CountAsync());
        Assert.Equal(0, await db.Installations.CountAsync());
        Assert.Equal(auditBefore, await db.AuditEvents.CountAsync());
        Assert.Equal(tokensBefore, _h.TokenRequests());
    }

    [Fact]
    public async Task Delete_NeedsTheTypedLabel_ThenRemovesSecretsAndInstallations()
    {
        var company = await _h.AddCompanyAsync(5000000001, "Northwind");
        var id = await _h.AddCredentialAsync("client-del", "TESTSECRET-" + Guid.NewGuid().ToString("N"), company);
        var admin = _h.Credentials(StaffRoles.Admin);

        var wrong = await admin.DeleteAsync(id, "app client-del");
        Assert.Contains("exactly", wrong["ConfirmLabel"]);
        Assert.True((await admin.DeleteAsync(id, "App client-del")).Succeeded);

        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal((0, 0, 0), (await db.CredentialSets.CountAsync(), await db.CredentialSecrets.CountAsync(), await db.Installations.CountAsync()));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "credential.delete" && e.TargetId == id.ToString()));
    }

    [Fact]
    public async Task StatusActions_AreAuditedAndShown()
    {
        var id = await _h.AddCredentialAsync("client-s", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        var admin = _h.Credentials(StaffRoles.Admin);

        Assert.Contains("required", (await admin.MarkSuspectedCompromiseAsync(id, ""))["Reason"]);
        await admin.MarkSuspectedCompromiseAsync(id, "Posted in a chat");
        Assert.Equal(CredentialStatus.SuspectedCompromise, (await admin.GetAsync(id))!.Status);
        await admin.RetireAsync(id);
        Assert.Equal(CredentialStatus.Retired, (await admin.GetAsync(id))!.Status);
    }
}

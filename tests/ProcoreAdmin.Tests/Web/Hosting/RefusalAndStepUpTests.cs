using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>
/// Refused actions leave a trace (an audit row and a log line, never a secret), and the most dangerous actions need a
/// recent sign-in, enforced in the services whatever the UI shows.
/// </summary>
public sealed class RefusalAndStepUpTests : IAsyncLifetime
{
    private readonly string _secret = $"TESTSECRET-{Guid.NewGuid()}";
    private readonly FakeLogger<SignInAuditor> _log = new();
    private RegistryHarness _h = null!;
    private SignInAuditor _auditor = null!;

    public async Task InitializeAsync()
    {
        _h = await RegistryHarness.CreateAsync();
        _auditor = new SignInAuditor(_h.Services.GetRequiredService<AuditTrail>(), _log);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private CurrentStaff Staff(string role, TimeSpan signedInAgo, TimeSpan? window = null) => new(
        new FixedAuthenticationState(TestSignInExtensions.RolesFor(role)) { AuthTime = DateTimeOffset.UtcNow - signedInAgo },
        _auditor, TimeProvider.System,
        Options.Create(new StaffAuthenticationOptions { RecentSignInWindow = window ?? StaffAuthenticationOptions.DefaultRecentSignInWindow }));

    private CredentialsService Credentials(CurrentStaff staff) => new(_h.Db, staff, _h.Store, _h.Services.GetRequiredService<ICredentialVerifier>(), _h.Procore,
        _h.Services.GetRequiredService<AuditTrail>(), TimeProvider.System);

    private async Task<List<AuditEvent>> AuditAsync(string action)
    {
        await using var db = await _h.Db.CreateDbContextAsync();
        return await db.AuditEvents.Where(a => a.Action == action).ToListAsync();
    }

    [Fact]
    public async Task ViewerRefusedByAService_IsAuditedAndLogged_AndNothingChanges()
    {
        var id = await _h.AddCredentialAsync("refused-client", _secret);

        await Assert.ThrowsAsync<StaffForbiddenException>(() => Credentials(Staff(StaffRoles.Viewer, TimeSpan.Zero)).RetireAsync(id));

        var row = Assert.Single(await AuditAsync(SignInAuditor.DeniedAction));
        Assert.Equal((AuditOutcomes.Denied, "https://test-idp", "test-subject"), (row.Outcome, row.ActorIssuer, row.ActorSubject));
        Assert.Contains("Admin role to retire credentials", row.Detail);
        var line = Assert.Single(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("Authorization denied", line.Message);
        Assert.Contains("retire credentials", line.Message);
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(ProcoreAdmin.Data.Credentials.CredentialStatus.Active, (await db.CredentialSets.SingleAsync(c => c.Id == id)).Status);
    }

    [Fact]
    public async Task SecretBearingChangeRefusedByValidation_IsAuditedWithFieldNamesOnly()
    {
        var result = await Credentials(Staff(StaffRoles.Admin, TimeSpan.Zero)).CreateAsync(new CredentialInput
        {
            Label = "", Environment = "Custom", ClientId = "c1", Secret = _secret, CustomLoginBaseUrl = "not a url", CustomApiBaseUrl = "http://127.0.0.1/",
        });

        Assert.False(result.Succeeded);
        var row = Assert.Single(await AuditAsync("credential.create"));
        Assert.Equal(AuditOutcomes.Refused, row.Outcome);
        Assert.Contains("Refused by validation", row.Detail);
        Assert.Contains(nameof(CredentialInput.Label), row.Detail);
        Assert.DoesNotContain(_secret, row.Detail);
        Assert.DoesNotContain("not a url", row.Detail);
    }

    [Fact]
    public async Task Delete_WithASignInOlderThanTheWindow_NeedsStepUp_IsAudited_AndKeepsTheCredential()
    {
        var id = await _h.AddCredentialAsync("stale-delete", _secret);

        var refused = await Assert.ThrowsAsync<RecentSignInRequiredException>(() =>
            Credentials(Staff(StaffRoles.Admin, TimeSpan.FromMinutes(11))).DeleteAsync(id, "App stale-delete"));

        Assert.Equal("delete credentials", refused.Action);
        Assert.Single(await AuditAsync(SignInAuditor.StepUpAction));
        Assert.Contains(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("Recent sign-in required"));
        await using (var db = await _h.Db.CreateDbContextAsync())
        {
            Assert.True(await db.CredentialSets.AnyAsync(c => c.Id == id));
        }

        var done = await Credentials(Staff(StaffRoles.Admin, TimeSpan.FromMinutes(9))).DeleteAsync(id, "App stale-delete");
        Assert.True(done.Succeeded);
    }

    [Fact]
    public async Task MarkCompromise_WithAStaleSignIn_NeedsStepUp()
    {
        var id = await _h.AddCredentialAsync("stale-compromise", _secret);

        await Assert.ThrowsAsync<RecentSignInRequiredException>(() =>
            Credentials(Staff(StaffRoles.Admin, TimeSpan.FromMinutes(30))).MarkSuspectedCompromiseAsync(id, "leaked in a log"));

        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(ProcoreAdmin.Data.Credentials.CredentialStatus.Active, (await db.CredentialSets.SingleAsync(c => c.Id == id)).Status);
    }

    [Fact]
    public async Task ChangingTheDestination_WithAStaleSignIn_NeedsStepUp_ButOtherEditsDoNot()
    {
        var id = await _h.AddCredentialAsync("stale-edit", _secret);
        var stale = Credentials(Staff(StaffRoles.Admin, TimeSpan.FromMinutes(11)));
        var detail = (await stale.GetAsync(id))!;

        var moved = detail.ToInput();
        moved.CustomLoginBaseUrl = "http://127.0.0.1:1/";
        moved.Secret = _secret;
        await Assert.ThrowsAsync<RecentSignInRequiredException>(() => stale.UpdateAsync(id, moved, detail.Version));

        var notes = detail.ToInput();
        notes.Notes = "Owned by the data team";
        var result = await stale.UpdateAsync(id, notes, detail.Version);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values) + result.Message);
        Assert.Equal(_h.SimulatorUrl.ToString(), (await stale.GetAsync(id))!.CustomLoginBaseUrl);
    }

    [Fact]
    public async Task RecentSignInWindow_IsConfigurable()
    {
        await Assert.ThrowsAsync<RecentSignInRequiredException>(() =>
            Staff(StaffRoles.Admin, TimeSpan.FromMinutes(2), window: TimeSpan.FromMinutes(1)).RequireRecentAsync(StaffRoles.Admin, "delete credentials"));

        var actor = await Staff(StaffRoles.Admin, TimeSpan.FromMinutes(2), window: TimeSpan.FromMinutes(5)).RequireRecentAsync(StaffRoles.Admin, "delete credentials");
        Assert.Equal("test-subject", actor.Subject);
    }

    [Fact]
    public async Task WithoutAnAuthTime_StepUpIsRequired()
    {
        var staff = new CurrentStaff(new NoAuthTimeState(), _auditor);

        await Assert.ThrowsAsync<RecentSignInRequiredException>(() => staff.RequireRecentAsync(StaffRoles.Admin, "promote a rotated secret"));
    }

    [Fact]
    public void ReauthenticateUrl_CarriesTheLocalPageEscaped() =>
        Assert.Equal("/account/reauthenticate?returnUrl=%2Fcredentials%2F5%3Ftab%3D1", RecentSignInRequiredException.ReauthenticateUrl("/credentials/5?tab=1"));

    private sealed class NoAuthTimeState : Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider
    {
        public override Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(new System.Security.Claims.ClaimsPrincipal(
                new System.Security.Claims.ClaimsIdentity([new("sub", "s"), new("iss", "https://test-idp"), .. TestSignInExtensions.RolesFor(StaffRoles.Admin).Select(r => new System.Security.Claims.Claim(StaffRoles.ClaimType, r))],
                    "test", "name", StaffRoles.ClaimType))));
    }
}

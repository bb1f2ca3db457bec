using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Companies;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

public sealed class FormatCharactersAndVerifyTests : IAsyncLifetime
{
    private RegistryHarness _h = null!;

    public async Task InitializeAsync() => _h = await RegistryHarness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(nameof(CredentialInput.Label), "\u202e")]
    [InlineData(nameof(CredentialInput.Label), "\u200b")]
    [InlineData(nameof(CredentialInput.Owners), "\u2066")]
    [InlineData(nameof(CredentialInput.Notes), "\u200f")]
    [InlineData(nameof(CredentialInput.ClientId), "\ufeff")]
    [InlineData(nameof(CredentialInput.Secret), "\u00ad")]
    public async Task Credential_FormatCharacterInAnyTextField_IsRefused(string field, string format)
    {
        var input = new CredentialInput
        {
            Label = "Nightly Sync", Environment = "Production", ClientId = "client-1", Secret = "TESTSECRET-" + Guid.NewGuid().ToString("N"),
            Owners = "ops@example.test", Notes = "Nightly",
        };
        var property = typeof(CredentialInput).GetProperty(field)!;
        property.SetValue(input, "ab" + format + "cd" + (string?)property.GetValue(input));

        var result = await _h.Credentials(StaffRoles.Admin).CreateAsync(input);

        Assert.False(result.Succeeded);
        Assert.Contains("formatting characters", result[field]);
        Assert.DoesNotContain("TESTSECRET", result[field]);
    }

    [Theory]
    [InlineData("\u202e")]
    [InlineData("\u2067")]
    public async Task Company_FormatCharacterInNameOrNotes_IsRefused(string format)
    {
        var service = _h.Companies(StaffRoles.Admin);

        var name = await service.CreateAsync(new CompanyInput { ProcoreCompanyId = "42", Name = "Acme" + format + "gpj.exe", Environment = "Production" });
        var notes = await service.CreateAsync(new CompanyInput { ProcoreCompanyId = "43", Name = "Acme", Notes = "x" + format, Environment = "Production" });

        Assert.Contains("formatting characters", name[nameof(CompanyInput.Name)]);
        Assert.Contains("formatting characters", notes[nameof(CompanyInput.Notes)]);
    }

    private CredentialsService Service(TimeProvider time, VerifyThrottle? throttle = null) => new(_h.Db, FixedAuthenticationState.As(StaffRoles.Operator), _h.Store,
        _h.Services.GetRequiredService<ICredentialVerifier>(), _h.Procore, _h.Services.GetRequiredService<AuditTrail>(), time, throttle ?? new VerifyThrottle(time));

    private async Task<long> RegisterAsync()
    {
        var company = await _h.AddCompanyAsync(5000000001, "Northwind");
        return await _h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret, company);
    }

    [Fact]
    public async Task VerifyNow_ReusesAValidCachedToken_UnlessAFreshOneIsAskedFor()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var id = await RegisterAsync();
        var service = Service(time);
        // Registering tests the secret before saving it with a throw-away token that is never cached: counted from here.
        var afterRegistration = _h.TokenRequests();

        var first = await service.VerifyAsync(id);
        time.Advance(TimeSpan.FromSeconds(11));
        var second = await service.VerifyAsync(id);
        Assert.Equal(afterRegistration + 1, _h.TokenRequests());

        time.Advance(TimeSpan.FromSeconds(11));
        var fresh = await service.VerifyAsync(id, freshToken: true);

        Assert.Equal([VerificationOutcome.Ok, VerificationOutcome.Ok, VerificationOutcome.Ok], [first.Outcome, second.Outcome, fresh.Outcome]);
        Assert.Equal(afterRegistration + 2, _h.TokenRequests());
    }

    [Fact]
    public async Task VerifyNow_IsThrottledPerCredential_OncePerTenSeconds_WithoutContactingProcore()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var id = await RegisterAsync();
        var other = await _h.AddCredentialAsync("other-client", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        var throttle = new VerifyThrottle(time); // one per app (a singleton)
        var first = Service(time, throttle);
        var second = Service(time, throttle); // another staff member's circuit: the throttle is per credential, not per page

        Assert.Equal(VerificationOutcome.Ok, (await first.VerifyAsync(id)).Outcome);
        var requests = _h.Simulator.State.GetRequests().Count;
        time.Advance(TimeSpan.FromSeconds(4));
        var throttled = await second.VerifyAsync(id, freshToken: true);

        Assert.Equal(VerificationOutcome.RateLimited, throttled.Outcome);
        Assert.Contains("try again in 6 s", throttled.Summary);
        Assert.Equal(requests, _h.Simulator.State.GetRequests().Count);
        Assert.NotEqual(VerificationOutcome.RateLimited, (await first.VerifyAsync(other)).Outcome);

        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(VerificationOutcome.Ok, (await second.VerifyAsync(id)).Outcome);
    }
}

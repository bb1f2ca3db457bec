using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>One status word per credential (lifecycle × last check), and the test before save on register and replace secret.</summary>
public sealed class CredentialHealthTests : MudComponentTest
{
    [Theory]
    [InlineData(CredentialStatus.Active, null, false, CredentialHealth.Healthy)]
    [InlineData(CredentialStatus.Active, "Ok", false, CredentialHealth.Healthy)]
    [InlineData(CredentialStatus.Active, "InvalidClient", false, CredentialHealth.Failing)]
    [InlineData(CredentialStatus.Active, "AppNotConnected", true, CredentialHealth.Failing)]
    [InlineData(CredentialStatus.Active, "Unreachable", false, CredentialHealth.Healthy)]
    [InlineData(CredentialStatus.Active, "Ok", true, CredentialHealth.RotationDue)]
    [InlineData(CredentialStatus.Rotating, "InvalidClient", false, CredentialHealth.Rotating)]
    [InlineData(CredentialStatus.Down, "Ok", false, CredentialHealth.Down)]
    [InlineData(CredentialStatus.SuspectedCompromise, "Ok", false, CredentialHealth.SuspectedCompromise)]
    [InlineData(CredentialStatus.Retired, "InvalidClient", true, CredentialHealth.Retired)]
    public void HealthOf_LifecycleAndLastCheck_GivesOneWord(CredentialStatus status, string? outcome, bool due, CredentialHealth expected) =>
        Assert.Equal(expected, CredentialHealthModel.Of(status, outcome, due));

    [Fact]
    public async Task Register_WhenProcoreRejectsTheSecret_SavesNothingAndSaysWhyInPlainWords()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var result = await h.Credentials(StaffRoles.Admin).CreateAsync(SimulatorInput(h, "unknown-client", "TESTSECRET-" + Guid.NewGuid().ToString("N")));

        Assert.False(result.Succeeded);
        Assert.Equal(VerificationOutcome.InvalidClient, result.FailedSecretTest?.Outcome);
        Assert.Contains("Invalid client", result.Message, StringComparison.Ordinal);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.CredentialSets.CountAsync());
        Assert.Equal(0, await db.CredentialSecrets.CountAsync());
    }

    [Fact]
    public async Task Register_WithAWorkingSecret_PassesTheTestAndIsHealthy()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var result = await h.Credentials(StaffRoles.Admin).CreateAsync(SimulatorInput(h, RegistryHarness.DemoClientId, RegistryHarness.DemoSecret));

        Assert.True(result.Succeeded, result.Message);
        var row = Assert.Single(await h.Credentials(StaffRoles.Viewer).ListAsync());
        Assert.Equal(CredentialHealth.Healthy, row.Health);
        Assert.Equal(nameof(VerificationOutcome.Ok), row.LastCheckOutcome);
        Assert.Equal(1, h.TokenRequests());
    }

    [Fact]
    public async Task Register_SaveAnywayAfterAFailedTest_IsAuditedAndTheListShowsFailingNotActive()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var input = SimulatorInput(h, "wrong-client", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        input.SaveAnyway = true;

        var result = await h.Credentials(StaffRoles.Admin).CreateAsync(input);

        Assert.True(result.Succeeded, result.Message);
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            var audit = await db.AuditEvents.SingleAsync(a => a.Action == "credential.save-anyway");
            Assert.Contains("Invalid client", audit.Detail, StringComparison.Ordinal);
        }

        Context.Services.AddSingleton(h.Credentials(StaffRoles.Viewer));
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        Context.AddAuthorization().SetAuthorized("Vera Viewer").SetRoles(StaffRoles.Viewer);
        var page = Context.Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=credential-health]")));

        var chip = page.Find("[data-testid=credential-health]");
        Assert.Equal("Failing", chip.TextContent.Trim());
        Assert.DoesNotContain("Active", page.Find("#credentials-table").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplaceSecret_WhenProcoreRejectsTheNewSecret_KeepsTheOldOneUnlessSavedAnyway()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var admin = h.Credentials(StaffRoles.Admin);
        Assert.True((await admin.CreateAsync(SimulatorInput(h, RegistryHarness.DemoClientId, RegistryHarness.DemoSecret))).Succeeded);
        var detail = (await admin.GetAsync((await admin.ListAsync()).Single().Id))!;

        var refused = await admin.ReplaceSecretAsync(detail.Id, "TESTSECRET-" + Guid.NewGuid().ToString("N"), detail.Version);
        Assert.Equal(VerificationOutcome.InvalidClient, refused.FailedSecretTest?.Outcome);
        Assert.Equal(detail.Current!.Fingerprint, (await admin.GetAsync(detail.Id))!.Current!.Fingerprint);

        var forced = await admin.ReplaceSecretAsync(detail.Id, "TESTSECRET-" + Guid.NewGuid().ToString("N"), detail.Version, saveAnyway: true);
        Assert.True(forced.Succeeded, forced.Message);
        var after = (await admin.GetAsync(detail.Id))!;
        Assert.NotEqual(detail.Current.Fingerprint, after.Current!.Fingerprint);
        Assert.Equal(CredentialHealth.Failing, after.Health);
    }

    private static CredentialInput SimulatorInput(RegistryHarness h, string clientId, string secret) => new()
    {
        Label = "App " + clientId, Environment = "Custom", ClientId = clientId, Secret = secret,
        CustomLoginBaseUrl = h.SimulatorUrl.ToString(), CustomApiBaseUrl = h.SimulatorUrl.ToString(),
    };
}

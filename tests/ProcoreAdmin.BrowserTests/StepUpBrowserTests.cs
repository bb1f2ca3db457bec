using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ProcoreAdmin.Data;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.BrowserTests;

/// <summary>
/// "Confirm it's you": a dangerous action after the sign-in has aged past the window sends the browser through the
/// identity provider's login form again and back to the page, where the action then succeeds. The audit rows carry the
/// identity provider's real issuer.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StepUpBrowserTests(BrowserFixture fixture)
{

    /// <summary>Registers a credential through the service, as an Admin who has just signed in.</summary>
    private async Task<long> RegisterCredentialAsync(string label)
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var admin = new ClaimsPrincipal(new ClaimsIdentity(
            [new("sub", "browser-test"), new("iss", "https://test-setup"), new("auth_time", fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString()),
             .. new[] { StaffRoles.Viewer, StaffRoles.Operator, StaffRoles.Admin }.Select(r => new Claim(StaffRoles.ClaimType, r))],
            "test", "name", StaffRoles.ClaimType));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(admin)));
        var simulator = fixture.Services.GetRequiredService<DevelopmentCompanions>().SimulatorAddress!;
        var result = await scope.ServiceProvider.GetRequiredService<CredentialsService>().CreateAsync(new CredentialInput
        {
            Label = label, Environment = "Custom", ClientId = $"step-up-{Guid.NewGuid():N}", Secret = $"TESTSECRET-{Guid.NewGuid()}",
            CustomLoginBaseUrl = simulator.ToString(), CustomApiBaseUrl = simulator.ToString(),
            // A made-up secret fails the pre-save test against the simulator: this set-up saves it anyway (the explicit, audited choice).
            SaveAnyway = true,
        });
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values) + result.Message);
        return result.Id!.Value;
    }

    internal static async Task ConfirmDeleteAsync(IPage page, string label)
    {
        // Delete asks first in the confirmation dialog: type the credential's name, then confirm.
        await page.Locator("#delete").ClickAsync();
        var typed = page.Locator("#confirm-typed input, input#confirm-typed").First;
        await typed.FillAsync(label);
        await Assertions.Expect(page.Locator("#confirm-button")).ToBeEnabledAsync();
        await page.Locator("#confirm-button").ClickAsync();
    }

    [Fact]
    public async Task Delete_AfterTheSignInAged_AsksToSignInAgain_ThenDeletes_AndTheAuditNamesTheRealIssuer()
    {
        const string label = "Step-up target (browser test)";
        var id = await RegisterCredentialAsync(label);
        var issuer = fixture.Services.GetRequiredService<DevelopmentCompanions>().DevIdentityClient!.Authority;
        var page = await fixture.NewPageAsync();
        try
        {
            await page.SignInAsync("admin", $"/credentials/{id}");
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.Locator("#credential-title")).ToHaveTextAsync(label);

            fixture.Clock.Offset = TimeSpan.FromMinutes(11); // the sign-in is now older than the 10-minute window
            await ConfirmDeleteAsync(page, label);

            // The identity provider's login form, even though its own session is still alive.
            await Assertions.Expect(page.Locator("input[name=username]")).ToBeVisibleAsync();
            await page.Locator("input[name=username]").FillAsync("admin");
            await page.Locator("input[name=password]").FillAsync("dev");
            await page.Locator("#signin").ClickAsync();

            await page.WaitForPathAsync(new System.Text.RegularExpressions.Regex($"/credentials/{id}$"));
            await page.WaitForCircuitAsync();
            // The detail has loaded in the new circuit before Delete is pressed again.
            await Assertions.Expect(page.Locator("#credential-title")).ToHaveTextAsync(label);
            await ConfirmDeleteAsync(page, label);
            await page.WaitForPathAsync(new System.Text.RegularExpressions.Regex("/credentials$"));
        }
        finally
        {
            fixture.Clock.Offset = TimeSpan.Zero;
            await page.Context.CloseAsync();
        }

        await using var db = await fixture.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.CredentialSets.AnyAsync(c => c.Id == id));
        var refused = await db.AuditEvents.Where(a => a.Action == SignInAuditor.StepUpAction).ToListAsync();
        Assert.Contains(refused, a => a.Detail!.Contains("delete credentials"));
        var deleted = await db.AuditEvents.SingleAsync(a => a.Action == "credential.delete" && a.TargetId == id.ToString());
        Assert.Equal((issuer, "dev-admin"), (deleted.ActorIssuer, deleted.ActorSubject));
        Assert.All(refused, a => Assert.Equal(issuer, a.ActorIssuer));
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>The credential form's "also the monthly sandbox" field: where it shows, what it saves, what the server refuses.</summary>
public sealed class CredentialFormMonthlySandboxTests : MudComponentTest
{
    private void AsAdmin(RegistryHarness h)
    {
        Context.Services.AddSingleton(h.Credentials(StaffRoles.Admin));
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.AddAuthorization().SetAuthorized("Ada").SetRoles(ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(StaffRoles.Admin));
    }

    [Fact]
    public async Task RegisterForm_Production_OffersTheMonthlySandbox_NamingItsOwnHosts()
    {
        await using var h = await RegistryHarness.CreateAsync();
        AsAdmin(h);

        var page = Context.Render<CredentialFormPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-monthly-sandbox-field")));
        var help = page.Find("#credential-monthly-sandbox-help").TextContent;
        Assert.Contains("login-sandbox-monthly.procore.com", help, StringComparison.Ordinal);
        Assert.Contains("developer sandbox keeps credentials of its own", help, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#credential-monthly-login-url"));
    }

    [Theory]
    [InlineData(nameof(ProcoreEnvironment.DeveloperSandbox))]
    [InlineData(nameof(ProcoreEnvironment.MonthlySandbox))]
    [InlineData(nameof(ProcoreEnvironment.Federal))]
    public void Field_OtherEnvironments_IsNotOffered(string environment)
    {
        var field = Context.Render<MonthlySandboxField>(p => p
            .Add(x => x.Input, new CredentialInput { Environment = environment })
            .Add(x => x.ErrorFor, (_, _) => null));

        Assert.Empty(field.FindAll("#credential-monthly-sandbox-field"));
        Assert.Empty(field.FindAll("input"));
    }

    [Fact]
    public void Field_ServerRefusal_IsShownEvenWhenTheFieldIsHidden()
    {
        var field = Context.Render<MonthlySandboxField>(p => p
            .Add(x => x.Input, new CredentialInput { Environment = nameof(ProcoreEnvironment.DeveloperSandbox), CoversMonthlySandbox = true })
            .Add(x => x.ErrorFor, (name, _) => name == nameof(CredentialInput.CoversMonthlySandbox) ? "Only a Production credential set can also cover the monthly sandbox." : null));

        Assert.Contains("Only a Production credential set", field.Find("#credential-monthly-sandbox-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditForm_CustomSet_SwitchingItOn_AsksForTheMonthlyUrls_AndSavesBothDestinations()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var id = await h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret);
        AsAdmin(h);
        var page = Context.Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-monthly-sandbox-field")));
        Assert.Empty(page.FindAll("#credential-monthly-login-url"));

        page.Find("#credential-monthly-sandbox-field input[type=checkbox]").Change(true);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-monthly-login-url")));
        var monthly = new Uri(h.SimulatorUrl, "_env/monthly_sandbox/").ToString();
        page.Find("#credential-monthly-login-url").Change(monthly);
        page.Find("#credential-monthly-api-url").Change(monthly);
        page.Find("#credential-secret").Change(RegistryHarness.DemoSecret);
        await page.Find("#credential-form").SubmitAsync();

        var navigation = Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith($"credentials/{id}", navigation.Uri, StringComparison.Ordinal));
        await using var db = await h.Db.CreateDbContextAsync();
        var stored = await db.CredentialSets.AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.True(stored.CoversMonthlySandbox);
        Assert.Equal(monthly, stored.CustomMonthlyLoginBaseUrl);
        Assert.Equal(monthly, stored.CustomMonthlyApiBaseUrl);
    }

    [Fact]
    public async Task EditForm_SwitchedOnWithoutMonthlyUrls_ShowsTheServersFieldErrors_AndSavesNothing()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var id = await h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret);
        AsAdmin(h);
        var page = Context.Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-monthly-sandbox-field")));

        page.Find("#credential-monthly-sandbox-field input[type=checkbox]").Change(true);
        page.Find("#credential-secret").Change(RegistryHarness.DemoSecret);
        await page.Find("#credential-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-form-message")));
        Assert.NotNull(page.Find("#credential-monthly-login-url").Closest(".mud-input-control")!.QuerySelector(".mud-input-error"));
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.False((await db.CredentialSets.AsNoTracking().SingleAsync(c => c.Id == id)).CoversMonthlySandbox);
    }

    [Fact]
    public void TargetPicker_OffersTheMonthlySandboxOnlyForASetThatCoversIt()
    {
        var covering = new CredentialOption(7, "Demo", ProcoreEnvironment.Production, "client", ProcoreAdmin.Data.Credentials.CredentialStatus.Active, [],
            CoversMonthlySandbox: true);

        var shown = Context.Render<CredentialTargetPicker>(p => p.Add(x => x.Credential, covering));
        var hidden = Context.Render<CredentialTargetPicker>(p => p.Add(x => x.Credential, covering with { CoversMonthlySandbox = false }));

        Assert.NotEmpty(shown.FindAll("[data-testid=credential-target]"));
        Assert.Empty(hidden.FindAll("[data-testid=credential-target]"));
    }
}

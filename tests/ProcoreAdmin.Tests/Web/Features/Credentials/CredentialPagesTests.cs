using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>QUALITY §A.15: handlers behind hidden buttons still refuse a Viewer, and the circuit shows a message instead of failing.</summary>
public sealed class CredentialPagesTests : MudComponentTest
{
    [Fact]
    public async Task DetailPage_AsViewer_HidesActions_AndHandlersInvokedDirectlyAreRefused()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var id = await h.AddCredentialAsync("client-ui", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        var tokensBefore = h.TokenRequests(); // the registration's own test before save
        Context.Services.AddSingleton(h.Credentials(StaffRoles.Viewer));
        h.AddConsumersPanel(Context.Services, StaffRoles.Viewer);
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddSingleton<ICredentialConsumers>(new NoConsumers());
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        Context.AddAuthorization().SetAuthorized("Vera Viewer").SetRoles(StaffRoles.Viewer);

        var page = Context.Render<CredentialDetailPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("client-ui", page.Markup));

        Assert.Empty(page.FindAll("#delete"));
        Assert.Empty(page.FindAll("#verify-now"));
        Assert.Empty(page.FindAll("#replace-secret-save"));
        await page.InvokeAsync(() => page.Instance.DeleteAsync("App client-ui"));
        await page.InvokeAsync(() => page.Instance.RetireAsync("test"));
        await page.InvokeAsync(() => page.Instance.VerifyAsync());

        page.WaitForAssertion(() => Assert.Contains("You need the", page.Find("#credential-message").TextContent));
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(ProcoreAdmin.Data.Credentials.CredentialStatus.Active, (await db.CredentialSets.SingleAsync()).Status);
        Assert.Equal(tokensBefore, h.TokenRequests());
    }

    /// <summary>No schedule is tied to any credential.</summary>
    public sealed class NoConsumers : ICredentialConsumers
    {
        public Task<IReadOnlyList<CredentialConsumer>> ListAsync(long credentialId, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<CredentialConsumer>>([]);
    }

    [Theory]
    [InlineData(StaffRoles.Viewer)]
    [InlineData(StaffRoles.Operator)]
    public async Task FormPage_ForViewerOrOperator_IsReadOnly_WithNoFieldToFill(string role)
    {
        await using var h = await RegistryHarness.CreateAsync();
        var id = await h.AddCredentialAsync("client-ro", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        Context.Services.AddSingleton(h.Credentials(role));
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.AddAuthorization().SetAuthorized("Vera").SetRoles(ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(role));

        foreach (var page in new[] { Context.Render<CredentialFormPage>(), Context.Render<CredentialFormPage>(p => p.Add(x => x.Id, id)) })
        {
            page.WaitForAssertion(() => Assert.Contains("Only Admins can register or edit", page.Find("#credential-form-readonly").TextContent));
            Assert.Empty(page.FindAll("form"));
            Assert.Empty(page.FindAll("input, textarea"));
            Assert.Empty(page.FindAll("#credential-save"));
        }
    }

    [Fact]
    public async Task FormPage_ForAdmin_ShowsTheForm()
    {
        await using var h = await RegistryHarness.CreateAsync();
        Context.Services.AddSingleton(h.Credentials(StaffRoles.Admin));
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.AddAuthorization().SetAuthorized("Ada").SetRoles(ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(StaffRoles.Admin));

        var page = Context.Render<CredentialFormPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-form")));
        Assert.Empty(page.FindAll("#credential-form-readonly"));
    }

    [Fact]
    public async Task FormPage_CustomEnvironment_LoginUrlHintHardCodesNoPort()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var id = await h.AddCredentialAsync("client-hint", "TESTSECRET-" + Guid.NewGuid().ToString("N"));
        Context.Services.AddSingleton(h.Credentials(StaffRoles.Admin));
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.AddAuthorization().SetAuthorized("Ada").SetRoles(ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(StaffRoles.Admin));

        var page = Context.Render<CredentialFormPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-login-url")));
        Assert.DoesNotContain(":5380", page.Markup);
        Assert.Contains("login host", page.Markup);
    }

    [Fact]
    public async Task FormPage_FailedSave_MovesFocusToTheMessage_AndARequiredErrorGoesOnceTheFieldIsFilled()
    {
        await using var h = await RegistryHarness.CreateAsync();
        Context.Services.AddSingleton(h.Credentials(StaffRoles.Admin));
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.AddAuthorization().SetAuthorized("Ada").SetRoles(ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(StaffRoles.Admin));
        var focus = Context.JSInterop.SetupVoid("procoreAdmin.focus", "#credential-form-message");
        focus.SetVoidResult();
        var page = Context.Render<CredentialFormPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-form")));

        await page.Find("#credential-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#credential-form-message")));
        focus.VerifyInvoke("procoreAdmin.focus");
        bool HasError(string id) => page.Find($"#{id}").Closest(".mud-input-control")!.QuerySelector(".mud-input-error, .mud-input-helper-text.mud-input-error") is not null
                                     || page.Find($"#{id}").Closest(".mud-input-control")!.ClassList.Contains("mud-input-error");
        Assert.True(HasError("credential-label"));
        Assert.True(HasError("credential-client-id"));

        page.Find("#credential-label").Change("Filled in now");

        page.WaitForAssertion(() => Assert.False(HasError("credential-label")));
        Assert.True(HasError("credential-client-id")); // still empty, still flagged
    }
}

using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Projects;
using ProcoreAdmin.Web.Features.ApiConsole;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.ApiConsole;

/// <summary>The API console page: what the company picker says about the credential chosen now.</summary>
public sealed class ApiConsolePageTests : MudComponentTest, IAsyncLifetime
{
    private ProcoreFeatureHarness _harness = null!;

    /// <summary>Installed in Northwind only; the demo credential is installed in Northwind and Contoso.</summary>
    private static readonly CredentialOption Narrow = new(42, "Narrow", ProcoreEnvironment.Custom, "narrow-client",
        CredentialStatus.Active, [FakeCredentialDirectory.Northwind]);

    async Task IAsyncLifetime.InitializeAsync()
    {
        _harness = await ProcoreFeatureHarness.StartAsync();
        var directory = _harness.AddServices(Context.Services, role: null);
        Context.Services.AddSingleton<ICredentialDirectory>(new TwoCredentials(directory));
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Otto Operator");
        auth.SetRoles(Web.Hosting.TestSignInExtensions.RolesFor(StaffRoles.Operator));
        auth.SetClaims(new Claim("iss", "https://test-idp"), new Claim("sub", "otto"));
        Context.SetRendererInfo(new RendererInfo("Server", true));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _harness.DisposeAsync();
    }

    private static IRenderedComponent<MudSelect<long?>> Select(IRenderedComponent<ApiConsolePage> cut, string testId) =>
        cut.FindComponents<MudSelect<long?>>().Single(s => Equals(s.Instance.UserAttributes.GetValueOrDefault("data-testid"), testId));

    [Fact]
    public async Task CompanyPicker_AfterSwitchingCredential_MarksInstallationsOfTheNewCredential()
    {
        var cut = Context.Render<ApiConsolePage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#run-call")), TimeSpan.FromSeconds(10));
        await cut.InvokeAsync(() => Select(cut, "console-company").Instance.ValueChanged.InvokeAsync(FakeCredentialDirectory.Contoso));
        cut.WaitForAssertion(() => Assert.Contains("Contoso Construction (5000000002) — not installed", Select(cut, "console-company").Markup, StringComparison.Ordinal));

        await cut.InvokeAsync(() => Select(cut, "console-credential").Instance.ValueChanged.InvokeAsync(FakeCredentialDirectory.Demo.CredentialId));

        cut.WaitForAssertion(() => Assert.Contains("Contoso Construction (5000000002)", Select(cut, "console-company").Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("not installed", Select(cut, "console-company").Markup, StringComparison.Ordinal);
    }

    /// <summary>The harness's directory with a second credential listed first.</summary>
    private sealed class TwoCredentials(FakeCredentialDirectory inner) : ICredentialDirectory
    {
        public Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default) => inner.ListCompaniesAsync(ct);

        public Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<CredentialOption>>([Narrow, FakeCredentialDirectory.Demo]);

        public async Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default) =>
            credentialId == Narrow.CredentialId ? Narrow : await inner.FindCredentialAsync(credentialId, ct);

        public Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default) => inner.ListRotationInfoAsync(ct);

        public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current) =>
            inner.ToProcoreCredential(credential, slot);
    }
}

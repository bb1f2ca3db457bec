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
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Data;
using ProcoreAdmin.Web.Features.Audit;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>A sign-in that does not complete is audited (and logged) and lands on a plain page, never a 500.</summary>
[Collection(AppCollection.Name)]
public sealed class SignInFailureTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task CallbackWithAnErrorOrAForgedState_IsAuditedAsAFailedSignIn_AndShowsTheFailurePage()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.PostAsync("signin-oidc", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["error"] = "access_denied\r\nforged-line",
            ["state"] = "not-a-state-this-app-issued",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin-failed", response.Headers.Location!.OriginalString);
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var row = await db.AuditEvents.SingleAsync(a => a.Action == SignInAuditor.SignInAction);
        Assert.Equal(AuditOutcomes.Failed, row.Outcome);
        Assert.Equal("anonymous", row.ActorSubject);
        Assert.DoesNotContain("\n", row.Detail);

        using var page = await client.GetAsync("account/signin-failed");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Sign-in did not complete", await page.Content.ReadAsStringAsync());
    }
}

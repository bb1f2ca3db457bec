using System.Net;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>Over real Kestrel on 127.0.0.1: Hangfire's own local-request rule must not be what protects the dashboard.</summary>
[Collection(AppCollection.Name)]
public sealed class HangfireDashboardTests : IDisposable
{
    private readonly AppFactory _app = new();
    private readonly HttpClient _client;

    public HangfireDashboardTests()
    {
        _app.Settings["Hangfire:ServerEnabled"] = "true";
        var address = _app.StartKestrel();
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/stats")]
    [InlineData("/hangfire/recurring")]
    public async Task Dashboard_WhenAnonymous_RedirectsToSignIn(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/connect/authorize", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData(StaffRoles.Viewer)]
    [InlineData(StaffRoles.Operator)]
    public async Task Dashboard_ForNonAdmin_IsForbidden(string role)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/hangfire").As(TestSignInExtensions.RolesFor(role)));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_ForAdmin_ShowsTheHousekeepingSchedule()
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring").As(TestSignInExtensions.RolesFor(StaffRoles.Admin)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("maintenance:prune-job-history", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Dashboard_AdminPostWithoutAntiforgeryToken_IsRejected()
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "maintenance:prune-job-history")]),
        }.As(TestSignInExtensions.RolesFor(StaffRoles.Admin)));
        Assert.False(response.IsSuccessStatusCode, $"Trigger without antiforgery answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Responses_CarrySecurityHeadersAndNoServerBanner()
    {
        foreach (var path in new[] { "/health", "/account/signed-out", "/hangfire" })
        {
            using var response = await _client.GetAsync(path);
            Assert.False(response.Headers.Contains("Server"), $"{path} sends a Server header");
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(response.Headers.Contains("Referrer-Policy"), $"{path} has no Referrer-Policy");
        }
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

[Collection(AppCollection.Name)]
public sealed partial class EndpointAuthorizationTests : IDisposable
{
    // The only routes a visitor who is not signed in may reach (static assets are checked separately).
    private static readonly HashSet<string> AnonymousRoutes =
    [
        "/account/signin", "/account/signout", "/account/access-denied", "/account/signed-out", "/account/signin-failed",
        "/status/{Code:int}", "/not-found", "/error", "/health", "/health/live", "/health/ready",
    ];

    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void Endpoints_AllowingAnonymous_AreExactlySignInSignOutStatusHealthAndStaticAssets()
    {
        var endpoints = RouteEndpoints();
        var anonymous = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null && !IsStaticAsset(e))
            .Select(e => Normalize(e.RoutePattern.RawText))
            .ToHashSet();

        Assert.Equal(AnonymousRoutes.OrderBy(r => r), anonymous.OrderBy(r => r));
        Assert.All(endpoints.Where(IsStaticAsset), e => Assert.NotNull(e.Metadata.GetMetadata<IAllowAnonymous>()));
    }

    [Fact]
    public async Task EveryOtherEndpoint_WhenAnonymous_IsSentToTheIdentityProvider()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        var checkedRoutes = new List<string>();
        foreach (var endpoint in RouteEndpoints().Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET";
            var url = Parameter().Replace(Normalize(endpoint.RoutePattern.RawText), "1");
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

            if (url.StartsWith("/api/", StringComparison.Ordinal))
            {
                // The machine-client API challenges for a bearer token; it never redirects to the staff sign-in.
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {url} answered {(int)response.StatusCode} to an anonymous caller");
                Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{method} {url} answered {(int)response.StatusCode} to an anonymous visitor");
                Assert.Contains("/connect/authorize", response.Headers.Location!.ToString());
            }

            checkedRoutes.Add(url);
        }

        Assert.Contains("/", checkedRoutes);
        Assert.Contains("/companies", checkedRoutes);
        Assert.Contains("/hangfire/1", checkedRoutes);
        Assert.Contains("/api/v1/procore-tokens", checkedRoutes);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/account/signed-out")]
    [InlineData("/account/access-denied")]
    public async Task AllowedEndpoints_WhenAnonymous_Answer200(string url)
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(StaffRoles.Viewer)]
    [InlineData(StaffRoles.Operator)]
    [InlineData(StaffRoles.Admin)]
    public async Task Pages_ForEveryStaffRole_Render(string role)
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        foreach (var page in new[] { "/", "/companies", "/credentials", "/projects", "/api-console", "/maintenance", "/rotation", "/audit" })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, page).As(TestSignInExtensions.RolesFor(role)));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} got {(int)response.StatusCode} for {page}");
        }
    }

    [Fact]
    public async Task Pages_ForSignedInUserWithoutRole_AreForbidden()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/companies").As("not-a-staff-role"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_IsRejected()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/account/signout")
        {
            Content = new FormUrlEncodedContent([]),
        }.As(StaffRoles.Viewer));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private List<RouteEndpoint> RouteEndpoints() =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static bool IsStaticAsset(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor")
        || endpoint.DisplayName?.Contains("static asset", StringComparison.OrdinalIgnoreCase) == true;

    private static string Normalize(string? pattern) => "/" + (pattern ?? "").TrimStart('/');

    [GeneratedRegex(@"\{\*{0,2}[^}]+\}")]
    private static partial Regex Parameter();
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ProcoreAdmin.DevIdentity;
using ProcoreAdmin.Tests.Web.Hosting;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.TokenBroker;

/// <summary>
/// The token endpoint accepts only client-credentials JWTs of the configured issuer and audience, signed by its keys and
/// in date; a staff cookie never authenticates the API and a machine token never authenticates a page. The machine
/// clients' issuer here is a second DevIdentity whose signing key the test holds, so it can mint edge-case tokens that
/// differ from a valid one in exactly one respect.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class MachineClientAuthenticationTests : IAsyncLifetime
{
    private const string Audience = "procoreadmin-broker-test";
    private readonly RSA _key = RSA.Create(2048);
    private DevIdentityServer? _issuer;
    private BrokerHarness? _app;

    private BrokerHarness App => _app!;

    private Uri Issuer => _issuer!.Issuer;

    public async Task InitializeAsync()
    {
        _issuer = await DevIdentityServer.StartAsync(new DevIdentityOptions
        {
            Url = "http://127.0.0.1:0", ClientSecret = DevIdentityFixtureSecret(), SigningKey = _key, MachineClientAudience = Audience,
        });
        _app = new BrokerHarness(new Dictionary<string, string?>
        {
            ["TokenBroker:Authority"] = Issuer.AbsoluteUri,
            ["TokenBroker:RequireHttpsMetadata"] = "false",
            ["TokenBroker:Audience"] = Audience,
        }, useTestSignIn: false);
    }

    public async Task DisposeAsync()
    {
        _app?.Dispose();
        if (_issuer is not null)
        {
            await _issuer.DisposeAsync();
        }

        _key.Dispose();
    }

    [Fact]
    public async Task ClientCredentialsToken_FromTheConfiguredIssuer_IsAccepted()
    {
        using var response = await App.RequestTokenAsync(await BrokerHarness.MachineTokenAsync(Issuer), BrokerHarness.NorthwindId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HandMintedToken_SignedByTheIssuersKey_IsAccepted_SoTheRefusalsBelowHaveOneCauseEach()
    {
        using var response = await App.RequestTokenAsync(Mint(), BrokerHarness.NorthwindId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("wrong-audience")]
    [InlineData("expired")]
    [InlineData("unsigned")]
    [InlineData("other-issuer")]
    [InlineData("other-issuer-and-key")]
    [InlineData("garbage")]
    public async Task Token_Refused_401(string flaw)
    {
        using var otherKey = RSA.Create(2048);
        var jwt = flaw switch
        {
            "wrong-audience" => Mint(audience: "some-other-api"),
            "expired" => Mint(expires: DateTime.UtcNow.AddMinutes(-10)),
            "unsigned" => Mint(signed: false),
            "other-issuer" => Mint(issuer: "http://127.0.0.1:1/elsewhere/"),
            "other-issuer-and-key" => Mint(issuer: "http://127.0.0.1:1/elsewhere/", key: otherKey),
            _ => "not-a-jwt",
        };

        using var response = await App.RequestTokenAsync(jwt, BrokerHarness.NorthwindId);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NoToken_Is401Bearer_NotARedirectToSignIn()
    {
        using var response = await App.RequestTokenAsync(null, BrokerHarness.NorthwindId);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task StaffCookie_NeverAuthenticatesTheApi_ButDoesAuthenticatePages()
    {
        var cookie = StaffCookie();

        using var page = await App.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/companies") { Headers = { { "Cookie", cookie } } });
        var api = new HttpRequestMessage(HttpMethod.Post, "/api/v1/procore-tokens") { Content = System.Net.Http.Json.JsonContent.Create(new { company_id = BrokerHarness.NorthwindId }) };
        api.Headers.Add("Cookie", cookie);
        using var apiResponse = await App.Client.SendAsync(api);
        using var status = await App.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/credential-status") { Headers = { { "Cookie", cookie } } });

        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the cookie is a valid Admin session
        Assert.Equal(HttpStatusCode.Unauthorized, apiResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/companies")]
    [InlineData("/credentials/1")]
    [InlineData("/hangfire")]
    [InlineData("/openapi/v1.json")]
    public async Task MachineToken_NeverAuthenticatesPages(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await BrokerHarness.MachineTokenAsync(Issuer));
        using var response = await App.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/connect/authorize", response.Headers.Location!.ToString());
    }

    private string Mint(string? issuer = null, string audience = Audience, DateTime? expires = null, bool signed = true, RSA? key = null)
    {
        var now = DateTime.UtcNow;
        var exp = expires ?? now.AddMinutes(30);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer.AbsoluteUri,
            Audience = audience,
            IssuedAt = exp.AddHours(-1),
            NotBefore = exp.AddHours(-1),
            Expires = exp,
            Claims = new Dictionary<string, object> { ["sub"] = "procoreadmin-dev-integration", ["client_id"] = "procoreadmin-dev-integration" },
            SigningCredentials = signed ? new SigningCredentials(new RsaSecurityKey(key ?? _key), SecurityAlgorithms.RsaSha256) : null,
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>A real session cookie of the app's cookie scheme for a signed-in Admin (as the OIDC sign-in would leave it).</summary>
    private string StaffCookie()
    {
        var options = App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var identity = new ClaimsIdentity(
            [new Claim("sub", "ada"), new Claim("iss", "http://devidentity"), new Claim("name", "Ada Admin"),
             .. TestSignInExtensions.RolesFor(StaffRoles.Admin).Select(r => new Claim(StaffRoles.ClaimType, r))],
            "Cookies", "name", StaffRoles.ClaimType);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) },
            CookieAuthenticationDefaults.AuthenticationScheme);
        return $"{AuthenticationSetup.CookieName}={options.TicketDataFormat.Protect(ticket)}";
    }

    private static string DevIdentityFixtureSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}

using System.Net;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.DevIdentity;

namespace ProcoreAdmin.Tests.DevIdentity;

/// <summary>
/// The contract with the web app: ASP.NET Core's own OpenID Connect handler (code + PKCE, form_post, MapInboundClaims = false)
/// against the provider, with a small client app on its own port. Redirect URIs are registered after the client has started,
/// as the web app does.
/// </summary>
public sealed partial class OidcClientRoundTripTests : IAsyncLifetime
{
    private const string ClientCookie = ".ProcoreAdmin.Tests.Client";

    private DevIdentityServer? _idp;
    private WebApplication? _client;
    private Uri? _clientBase;

    public async Task InitializeAsync()
    {
        var secret = DevIdentityFixture.NewSecret();
        _idp = await DevIdentityServer.StartAsync(new DevIdentityOptions { Url = "http://127.0.0.1:0", ClientSecret = secret });
        _client = BuildClient(_idp.Issuer, DevIdentityFixture.ClientId, secret);
        await _client.StartAsync();
        _clientBase = new Uri(_client.Urls.First().TrimEnd('/') + "/");
        await _idp.RegisterClientRedirectsAsync([new Uri(_clientBase, "signin-oidc")], [new Uri(_clientBase, "signout-callback-oidc")]);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }
    }

    [Fact]
    public async Task OpenIdConnectHandler_SignInAsAdmin_GetsNameAndGroupsAsRoles()
    {
        using var browser = new OidcTestBrowser(_idp!.Issuer);

        var me = await SignInAsync(browser, "admin");

        Assert.Equal("dev-admin", me.GetProperty("sub").GetString());
        Assert.Equal("Ada Admin", me.GetProperty("name").GetString());
        Assert.Equal("admin", me.GetProperty("preferred_username").GetString());
        Assert.Equal("ada.admin@procoreadmin.dev.local", me.GetProperty("email").GetString());
        Assert.Equal(["procoreadmin-admins"], me.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.True(me.GetProperty("isAdmin").GetBoolean());
    }

    [Fact]
    public async Task OpenIdConnectHandler_SignOut_EndsTheProviderSessionToo()
    {
        using var browser = new OidcTestBrowser(_idp!.Issuer);
        await SignInAsync(browser, "operator");

        var (signedOutUri, signedOut) = await FollowAsync(browser, await browser.Http.GetAsync(new Uri(_clientBase!, "logout")));
        Assert.Equal("/signed-out", signedOutUri.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        Assert.False(browser.HasIdpCookie);

        // Signing in again shows the provider's login form instead of silently reusing a session.
        var (uri, response) = await FollowAsync(browser, await browser.Http.GetAsync(new Uri(_clientBase!, "me")));
        Assert.Equal(_idp.Issuer.Port, uri.Port);
        Assert.Equal("/account/login", uri.AbsolutePath);
        Assert.Contains("id=\"signin\"", await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> SignInAsync(OidcTestBrowser browser, string username)
    {
        // Client → challenge → provider authorize → provider login page.
        var (loginUri, loginPage) = await FollowAsync(browser, await browser.Http.GetAsync(new Uri(_clientBase!, "me")));
        Assert.Equal("/account/login", loginUri.AbsolutePath);
        var html = await loginPage.Content.ReadAsStringAsync();

        // Credentials → authorize → the form_post page that carries the code back to the client.
        var login = await browser.PostLoginAsync(OidcTestBrowser.AntiforgeryToken(html), username, "dev", OidcTestBrowser.ReturnUrlField(html));
        var (_, formPost) = await FollowAsync(browser, login);
        var formHtml = await formPost.Content.ReadAsStringAsync();
        var action = FormAction().Match(formHtml);
        Assert.True(action.Success, formHtml);
        var fields = HiddenInput().Matches(formHtml).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.Contains("code", fields.Keys);

        // Client redeems the code (with its PKCE verifier and secret) and lands on /me.
        var callback = await browser.Http.PostAsync(WebUtility.HtmlDecode(action.Groups[1].Value), new FormUrlEncodedContent(fields));
        var (meUri, me) = await FollowAsync(browser, callback);
        Assert.Equal(new Uri(_clientBase!, "me"), meUri);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var json = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    /// <summary>Follows redirects (both ports share the cookie jar) until a non-redirect response.</summary>
    private static async Task<(Uri Uri, HttpResponseMessage Response)> FollowAsync(OidcTestBrowser browser, HttpResponseMessage response)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
            {
                return (response.RequestMessage!.RequestUri!, response);
            }

            var next = OidcTestBrowser.RedirectTarget(response);
            response.Dispose();
            response = await browser.Http.GetAsync(next);
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    private static WebApplication BuildClient(Uri authority, string clientId, string clientSecret)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Development", ApplicationName = "ProcoreAdmin.Tests.OidcClient" });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddRouting();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o => o.Cookie.Name = ClientCookie)
            .AddOpenIdConnect(o =>
            {
                o.Authority = authority.AbsoluteUri;
                o.RequireHttpsMetadata = false;
                o.ClientId = clientId;
                o.ClientSecret = clientSecret;
                o.ResponseType = "code";
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email", "roles" })
                {
                    o.Scope.Add(scope);
                }

                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "groups";
                o.SaveTokens = true;

                // HttpClient's cookie jar never sends Secure cookies over http (browsers do on 127.0.0.1).
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.MapGet("/me", (HttpContext context) =>
        {
            var user = context.User;
            if (user.Identity?.IsAuthenticated != true)
            {
                return Results.Challenge(new AuthenticationProperties { RedirectUri = "/me" });
            }

            return Results.Json(new
            {
                sub = user.FindFirstValue("sub"),
                name = user.Identity.Name,
                preferred_username = user.FindFirstValue("preferred_username"),
                email = user.FindFirstValue("email"),
                groups = user.FindAll("groups").Select(c => c.Value).ToArray(),
                isAdmin = user.IsInRole("procoreadmin-admins"),
            });
        });
        app.MapGet("/logout", () => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/signed-out" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        app.MapGet("/signed-out", () => "Signed out.");
        return app;
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();
}

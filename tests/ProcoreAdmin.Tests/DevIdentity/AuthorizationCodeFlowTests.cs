using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using ProcoreAdmin.DevIdentity;

namespace ProcoreAdmin.Tests.DevIdentity;

[Collection(DevIdentityCollection.Name)]
public class AuthorizationCodeFlowTests(DevIdentityFixture fixture)
{
    [Fact]
    public async Task CodeFlowWithPkce_Admin_IdTokenCarriesSubNameAndGroups()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var code = await browser.SignInAndGetCodeAsync("admin");

        using var response = await browser.RedeemCodeAsync(code, fixture.ClientSecret);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var tokens = JsonDocument.Parse(body);
        var idToken = OidcTestBrowser.JwtPayload(tokens.RootElement.GetProperty("id_token").GetString()!);
        Assert.Equal(fixture.Server.Issuer.AbsoluteUri, idToken.GetProperty("iss").GetString());
        Assert.Equal(DevIdentityFixture.ClientId, idToken.GetProperty("aud").GetString());
        Assert.Equal(browser.Nonce, idToken.GetProperty("nonce").GetString());
        Assert.Equal("dev-admin", idToken.GetProperty("sub").GetString());
        Assert.Equal("Ada Admin", idToken.GetProperty("name").GetString());
        Assert.Equal("admin", idToken.GetProperty("preferred_username").GetString());
        Assert.Equal("ada.admin@procoreadmin.dev.local", idToken.GetProperty("email").GetString());
        Assert.Equal("procoreadmin-admins", GroupsOf(idToken).Single());

        var accessToken = OidcTestBrowser.JwtPayload(tokens.RootElement.GetProperty("access_token").GetString()!);
        Assert.Equal("dev-admin", accessToken.GetProperty("sub").GetString());
        Assert.Equal(["procoreadmin-admins"], GroupsOf(accessToken));
    }

    [Fact]
    public async Task CodeFlow_Outsider_SignsInWithoutGroups()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var code = await browser.SignInAndGetCodeAsync("outsider");

        using var response = await browser.RedeemCodeAsync(code, fixture.ClientSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var tokens = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var idToken = OidcTestBrowser.JwtPayload(tokens.RootElement.GetProperty("id_token").GetString()!);
        Assert.Equal("dev-outsider", idToken.GetProperty("sub").GetString());
        Assert.Equal("Oscar Outsider", idToken.GetProperty("name").GetString());
        Assert.Empty(GroupsOf(idToken));
    }

    [Fact]
    public async Task CodeFlow_ParallelSignIns_AllSucceed()
    {
        // The store is one in-memory SQLite database shared by per-request connections; concurrent flows must not trip over it.
        var flows = DevIdentityServer.SeededUsers.Concat(DevIdentityServer.SeededUsers).Select(async user =>
        {
            using var browser = new OidcTestBrowser(fixture.Server.Issuer);
            var code = await browser.SignInAndGetCodeAsync(user.Username);
            using var response = await browser.RedeemCodeAsync(code, fixture.ClientSecret);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var tokens = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return OidcTestBrowser.JwtPayload(tokens.RootElement.GetProperty("id_token").GetString()!).GetProperty("sub").GetString();
        });

        var subjects = await Task.WhenAll(flows);

        Assert.Equal(DevIdentityServer.SeededUsers.Concat(DevIdentityServer.SeededUsers).Select(u => u.Subject), subjects);
    }

    [Fact]
    public async Task TokenRequest_WrongCodeVerifier_IsRejected()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var code = await browser.SignInAndGetCodeAsync("admin");

        using var response = await browser.RedeemCodeAsync(code, fixture.ClientSecret, codeVerifier: OidcTestBrowser.Base64Url(new byte[32]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_grant", error.RootElement.GetProperty("error").GetString());
        Assert.False(error.RootElement.TryGetProperty("id_token", out _));
    }

    [Fact]
    public async Task TokenRequest_WrongClientSecret_IsRejected()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var code = await browser.SignInAndGetCodeAsync("admin");

        using var response = await browser.RedeemCodeAsync(code, "wrong-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authorize_WithoutPkce_IsRejected()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);

        using var response = await browser.Http.GetAsync(browser.AuthorizeUrl(pkce: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);   // neither the login page nor a code
        Assert.Contains("code_challenge", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authorize_PlainCodeChallengeMethod_IsRejected()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var url = browser.AuthorizeUrl(pkce: false) + "&code_challenge=" + browser.CodeVerifier + "&code_challenge_method=plain";

        using var response = await browser.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Authorize_UnregisteredRedirectUri_IsRejectedWithoutRedirect()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);

        using var response = await browser.Http.GetAsync(browser.AuthorizeUrl(redirectUri: new Uri("http://127.0.0.1:5391/elsewhere")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Authorize_SignedInAtTheProvider_IssuesACodeWithoutTheLoginForm()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        await browser.SignInAndGetCodeAsync("operator");

        var code = await browser.AuthorizeWithSessionAsync(new Uri(fixture.Server.Issuer, browser.AuthorizeUrl()));

        using var response = await browser.RedeemCodeAsync(code, fixture.ClientSecret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task EndSession_ClearsTheProviderSession_NextAuthorizeShowsLogin()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var code = await browser.SignInAndGetCodeAsync("admin");
        using var tokenResponse = await browser.RedeemCodeAsync(code, fixture.ClientSecret);
        using var tokens = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        var idToken = tokens.RootElement.GetProperty("id_token").GetString()!;

        var endSession = QueryHelpers.AddQueryString("connect/endsession", new Dictionary<string, string?>
        {
            ["id_token_hint"] = idToken,
            ["post_logout_redirect_uri"] = DevIdentityFixture.PostLogoutRedirectUri.AbsoluteUri,
            ["state"] = "after-logout",
        });
        using var signedOut = await browser.Http.GetAsync(endSession);

        var target = OidcTestBrowser.RedirectTarget(signedOut);
        Assert.Equal(DevIdentityFixture.PostLogoutRedirectUri.AbsoluteUri, target.GetLeftPart(UriPartial.Path));
        Assert.Equal("after-logout", QueryHelpers.ParseQuery(target.Query)["state"].ToString());
        Assert.False(browser.HasIdpCookie);

        using var again = await browser.Http.GetAsync(browser.AuthorizeUrl());
        Assert.Equal("/account/login", OidcTestBrowser.RedirectTarget(again).AbsolutePath);
    }

    [Fact]
    public async Task EndSession_UnregisteredPostLogoutRedirectUri_IsRejected()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);

        using var response = await browser.Http.GetAsync(QueryHelpers.AddQueryString("connect/endsession", new Dictionary<string, string?>
        {
            ["client_id"] = DevIdentityFixture.ClientId,
            ["post_logout_redirect_uri"] = "http://evil.example/",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task UserInfo_WithAccessToken_ReturnsProfileAndGroups()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var code = await browser.SignInAndGetCodeAsync("viewer");
        using var tokenResponse = await browser.RedeemCodeAsync(code, fixture.ClientSecret);
        using var tokens = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());

        using var request = new HttpRequestMessage(HttpMethod.Get, "connect/userinfo");
        request.Headers.Authorization = new("Bearer", tokens.RootElement.GetProperty("access_token").GetString());
        using var response = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var userInfo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("dev-viewer", userInfo.RootElement.GetProperty("sub").GetString());
        Assert.Equal("Vera Viewer", userInfo.RootElement.GetProperty("name").GetString());
        Assert.Equal(["procoreadmin-viewers"], GroupsOf(userInfo.RootElement));
    }

    [Fact]
    public async Task RegisterClientRedirects_ReplacesThePreviousRedirectUris()
    {
        var secret = DevIdentityFixture.NewSecret();
        await using var server = await DevIdentityServer.StartAsync(new DevIdentityOptions { Url = "http://127.0.0.1:0", ClientSecret = secret });
        using var browser = new OidcTestBrowser(server.Issuer);
        var other = new Uri("http://127.0.0.1:5392/signin-oidc");

        using (var beforeRegistration = await browser.Http.GetAsync(browser.AuthorizeUrl()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, beforeRegistration.StatusCode);
        }

        await server.RegisterClientRedirectsAsync([other], []);
        await server.RegisterClientRedirectsAsync([DevIdentityFixture.RedirectUri], [DevIdentityFixture.PostLogoutRedirectUri]);

        using (var replaced = await browser.Http.GetAsync(browser.AuthorizeUrl(redirectUri: other)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, replaced.StatusCode);
        }

        var code = await browser.SignInAndGetCodeAsync("admin");
        using var token = await browser.RedeemCodeAsync(code, secret);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);   // the client secret survives the update
    }

    private static string[] GroupsOf(JsonElement payload)
    {
        if (!payload.TryGetProperty("groups", out var groups))
        {
            return [];
        }

        return groups.ValueKind == JsonValueKind.Array
            ? [.. groups.EnumerateArray().Select(g => g.GetString()!)]
            : [groups.GetString()!];
    }
}

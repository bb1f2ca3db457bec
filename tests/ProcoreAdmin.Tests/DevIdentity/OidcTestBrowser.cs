using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace ProcoreAdmin.Tests.DevIdentity;

/// <summary>
/// A script-less "browser" for the provider: one cookie jar, redirects returned rather than followed,
/// plus helpers for the authorization code + PKCE steps the web app's OIDC handler performs.
/// </summary>
internal sealed partial class OidcTestBrowser : IDisposable
{
    private readonly HttpClientHandler _handler;

    public OidcTestBrowser(Uri issuer)
    {
        Issuer = issuer;
        _handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true };
        Http = new HttpClient(_handler) { BaseAddress = issuer, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Issuer { get; }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    public string CodeVerifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));

    public string State { get; } = Guid.NewGuid().ToString("N");

    public string Nonce { get; } = Guid.NewGuid().ToString("N");

    public bool HasIdpCookie => Cookies.GetCookies(Issuer).Any(c => c.Name == ".ProcoreAdmin.DevIdentity" && !c.Expired);

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string S256(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public string AuthorizeUrl(Uri? redirectUri = null, bool pkce = true, string clientId = DevIdentityFixture.ClientId)
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["scope"] = "openid profile email roles",
            ["redirect_uri"] = (redirectUri ?? DevIdentityFixture.RedirectUri).AbsoluteUri,
            ["state"] = State,
            ["nonce"] = Nonce,
        };
        if (pkce)
        {
            query["code_challenge"] = S256(CodeVerifier);
            query["code_challenge_method"] = "S256";
        }

        return QueryHelpers.AddQueryString("connect/authorize", query);
    }

    /// <summary>The absolute target of a redirect response.</summary>
    public static Uri RedirectTarget(HttpResponseMessage response)
    {
        Assert.True(
            response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther,
            $"Expected a redirect, got {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
    }

    /// <summary>GETs the login page and returns its HTML and antiforgery token.</summary>
    public async Task<(string Html, string Token)> GetLoginFormAsync(Uri loginUri)
    {
        using var response = await Http.GetAsync(loginUri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return (html, AntiforgeryToken(html));
    }

    public static string AntiforgeryToken(string html)
    {
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, "No antiforgery hidden field in the login form.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static string ReturnUrlField(string html) => WebUtility.HtmlDecode(ReturnUrlHidden().Match(html).Groups[1].Value);

    public Task<HttpResponseMessage> PostLoginAsync(string token, string username, string password, string returnUrl) =>
        Http.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["returnUrl"] = returnUrl,
            ["username"] = username,
            ["password"] = password,
        }));

    /// <summary>authorize → login page → POST credentials → authorize → code at the redirect URI. Returns the code.</summary>
    public async Task<string> SignInAndGetCodeAsync(string username, string password = "dev")
    {
        using var first = await Http.GetAsync(AuthorizeUrl());
        var login = RedirectTarget(first);
        Assert.Equal("/account/login", login.AbsolutePath);

        var (html, token) = await GetLoginFormAsync(login);
        using var posted = await PostLoginAsync(token, username, password, ReturnUrlField(html));
        var backToAuthorize = RedirectTarget(posted);
        Assert.Equal("/connect/authorize", backToAuthorize.AbsolutePath);
        Assert.True(HasIdpCookie);

        return await AuthorizeWithSessionAsync(backToAuthorize);
    }

    /// <summary>Runs an authorize request while signed in at the IdP; returns the code delivered to the redirect URI.</summary>
    public async Task<string> AuthorizeWithSessionAsync(Uri authorizeUri)
    {
        using var response = await Http.GetAsync(authorizeUri);
        var callback = RedirectTarget(response);
        Assert.Equal(DevIdentityFixture.RedirectUri.GetLeftPart(UriPartial.Path), callback.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal(State, query["state"].ToString());
        Assert.True(query.ContainsKey("code"), $"No code in {callback}");
        return query["code"].ToString();
    }

    public Task<HttpResponseMessage> RedeemCodeAsync(string code, string clientSecret, string? codeVerifier = null) =>
        Http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = DevIdentityFixture.RedirectUri.AbsoluteUri,
            ["client_id"] = DevIdentityFixture.ClientId,
            ["client_secret"] = clientSecret,
            ["code_verifier"] = codeVerifier ?? CodeVerifier,
        }));

    /// <summary>The payload of a JWT (no signature check; the tests only read claims).</summary>
    public static JsonElement JwtPayload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        using var document = JsonDocument.Parse(Convert.FromBase64String(part));
        return document.RootElement.Clone();
    }

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<input type=\"hidden\" name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlHidden();
}

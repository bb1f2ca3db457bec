using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace ProcoreAdmin.Tests.DevIdentity;

/// <summary>
/// Step-up against the development provider: prompt=login and an exceeded max_age show the login form again even with a
/// live session, and the new identity token carries a fresh auth_time.
/// </summary>
[Collection(DevIdentityCollection.Name)]
public class ReauthenticationTests(DevIdentityFixture fixture)
{
    private static async Task<long> AuthTimeAsync(OidcTestBrowser browser, string code, string secret)
    {
        using var response = await browser.RedeemCodeAsync(code, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var tokens = JsonDocument.Parse(body);
        return OidcTestBrowser.JwtPayload(tokens.RootElement.GetProperty("id_token").GetString()!).GetProperty("auth_time").GetInt64();
    }

    [Fact]
    public async Task IdToken_CarriesTheTimeOfThePasswordCheck()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var authTime = await AuthTimeAsync(browser, await browser.SignInAndGetCodeAsync("admin"), fixture.ClientSecret);

        Assert.InRange(authTime, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Theory]
    [InlineData("prompt", "login")]
    [InlineData("max_age", "0")]
    public async Task WithALiveSession_StepUpRequest_ShowsTheLoginFormAgain_ThenIssuesACode(string parameter, string value)
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        await browser.SignInAndGetCodeAsync("admin");
        Assert.True(browser.HasIdpCookie);

        using var stepUp = await browser.Http.GetAsync(QueryHelpers.AddQueryString(browser.AuthorizeUrl(), parameter, value));
        var login = OidcTestBrowser.RedirectTarget(stepUp);
        Assert.Equal("/account/login", login.AbsolutePath);

        var (html, token) = await browser.GetLoginFormAsync(login);
        var returnUrl = OidcTestBrowser.ReturnUrlField(html);
        Assert.DoesNotContain("prompt=", returnUrl);
        Assert.DoesNotContain("max_age=", returnUrl);
        using var posted = await browser.PostLoginAsync(token, "admin", "dev", returnUrl);
        var code = await browser.AuthorizeWithSessionAsync(OidcTestBrowser.RedirectTarget(posted));
        Assert.InRange(await AuthTimeAsync(browser, code, fixture.ClientSecret), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public async Task WithALiveSession_AMaxAgeNotExceeded_IssuesACodeWithoutTheForm()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        await browser.SignInAndGetCodeAsync("admin");

        var code = await browser.AuthorizeWithSessionAsync(new Uri(browser.Http.BaseAddress!, QueryHelpers.AddQueryString(browser.AuthorizeUrl(), "max_age", "600")));

        Assert.False(string.IsNullOrEmpty(code));
    }
}

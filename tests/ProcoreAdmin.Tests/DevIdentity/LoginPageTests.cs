using System.Net;

namespace ProcoreAdmin.Tests.DevIdentity;

[Collection(DevIdentityCollection.Name)]
public class LoginPageTests(DevIdentityFixture fixture)
{
    [Fact]
    public async Task LoginPage_IsAPlainFormWithUsernamePasswordAndNoScript()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);

        var (html, token) = await browser.GetLoginFormAsync(new Uri(fixture.Server.Issuer, "account/login?returnUrl=%2F"));

        Assert.Contains("<form method=\"post\" action=\"/account/login\">", html);
        Assert.Contains("id=\"username\" name=\"username\"", html);
        Assert.Contains("type=\"password\" id=\"password\" name=\"password\"", html);
        Assert.Contains("<button type=\"submit\" id=\"signin\">", html);
        Assert.NotEmpty(token);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Ada Admin", html);     // the seeded accounts hint
        Assert.Contains("Oscar Outsider", html);
    }

    [Fact]
    public async Task LoginPage_DeclaresItsIcon_SoTheBrowserRequestsNoMissingFavicon()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);

        var (html, _) = await browser.GetLoginFormAsync(new Uri(fixture.Server.Issuer, "account/login?returnUrl=%2F"));

        // Without a declared icon every sign-in logs a 404 for /favicon.ico in the browser console.
        Assert.Contains("<link rel=\"icon\" href=\"data:,\">", html);
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsErrorAndStaysOnForm()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var (_, token) = await browser.GetLoginFormAsync(new Uri(fixture.Server.Issuer, "account/login"));

        using var response = await browser.PostLoginAsync(token, "admin", "not-the-password", "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Unknown user or wrong password.", html);
        Assert.Contains("name=\"password\"", html);
        Assert.Contains("value=\"admin\"", html);     // the username is kept, the password is not
        Assert.False(browser.HasIdpCookie);
    }

    [Fact]
    public async Task Login_UnknownUser_ShowsError()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var (_, token) = await browser.GetLoginFormAsync(new Uri(fixture.Server.Issuer, "account/login"));

        using var response = await browser.PostLoginAsync(token, "mallory", "dev", "/");

        Assert.Contains("Unknown user or wrong password.", await response.Content.ReadAsStringAsync());
        Assert.False(browser.HasIdpCookie);
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_IsRejected()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);

        using var response = await browser.PostLoginAsync("forged", "admin", "dev", "/");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(browser.HasIdpCookie);
    }

    [Fact]
    public async Task Login_AbsoluteReturnUrl_RedirectsOnlyWithinTheProvider()
    {
        using var browser = new OidcTestBrowser(fixture.Server.Issuer);
        var (_, token) = await browser.GetLoginFormAsync(new Uri(fixture.Server.Issuer, "account/login"));

        using var response = await browser.PostLoginAsync(token, "viewer", "dev", "http://evil.example/phish");

        Assert.Equal(new Uri(fixture.Server.Issuer, "/"), OidcTestBrowser.RedirectTarget(response));
        Assert.True(browser.HasIdpCookie);
    }
}

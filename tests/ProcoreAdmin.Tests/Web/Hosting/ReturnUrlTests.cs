using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

public sealed class ReturnUrlTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/companies")]
    [InlineData("/credentials/12/edit")]
    [InlineData("/projects?company=5000000001&q=a%20b")]
    [InlineData("/audit?action=credential.view#top")]
    public void LocalReturnUrl_PlainLocalPaths_AreKept(string url) => Assert.Equal(url, AuthenticationSetup.LocalReturnUrl(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("companies")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("/\t/evil.example/")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r\nSet-Cookie: x=1")]
    [InlineData("/ /evil.example")]
    [InlineData("/%09/evil.example/")]
    [InlineData("/%0a/evil.example")]
    [InlineData("/%2F%2Fevil.example")]
    [InlineData("/%2f/evil.example")]
    [InlineData("/%5Cevil.example")]
    [InlineData("/%252F%252Fevil.example")]
    [InlineData("/%25252F%25252F%25252Fevil.example")]
    [InlineData("https://evil.example")]
    [InlineData("http:/evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/caf\u00e9")]
    [InlineData("/\u202eelpmaxe.live")]
    [InlineData("/\uff0f\uff0fevil.example")]
    [InlineData("/%C3%A9")]
    [InlineData("/%E2%80%AEevil")]
    [InlineData("/%ZZ")]
    public void LocalReturnUrl_OddValues_EndAtRoot(string? url) => Assert.Equal("/", AuthenticationSetup.LocalReturnUrl(url));
}

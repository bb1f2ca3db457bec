using System.Net;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class HostBindingTests
{
    [Theory]
    [InlineData(ProcoreEnvironment.Production, "login.procore.com", "api.procore.com")]
    [InlineData(ProcoreEnvironment.DeveloperSandbox, "login-sandbox.procore.com", "sandbox.procore.com")]
    [InlineData(ProcoreEnvironment.MonthlySandbox, "login-sandbox-monthly.procore.com", "api-monthly.procore.com")]
    [InlineData(ProcoreEnvironment.Federal, "login.procoregov.com", "api.procoregov.com")]
    public async Task HostBinding_SecretOnlyToOwnLoginHost(ProcoreEnvironment environment, string loginHost, string apiHost)
    {
        // Custom URLs on a fixed-environment credential are ignored: they can never redirect the secret.
        using var h = new ClientHarness(environment: environment,
            customLogin: new Uri("https://evil.example/"), customApi: new Uri("https://evil.example/"));

        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        await h.Client.GetProjectsPageAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery());

        var token = Assert.Single(h.Stub.TokenRequests);
        Assert.Equal($"https://{loginHost}/oauth/token", token.Uri.ToString());
        Assert.Contains(h.Secret, token.Body);
        Assert.All(h.Stub.ApiRequests, r =>
        {
            Assert.Equal("https", r.Uri.Scheme);
            Assert.Equal(apiHost, r.Uri.Host);
        });
        Assert.All(h.Stub.Requests.Where(r => !r.IsTokenRequest), r => Assert.DoesNotContain(h.Secret, r.Everything));
    }

    [Fact]
    public void Hosts_FixedEnvironments_HaveFixedHttpsHosts()
    {
        var prod = ProcoreHosts.For(ProcoreEnvironment.Production, new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:2/"));

        Assert.Equal(new Uri("https://login.procore.com/"), prod.LoginBaseUrl);
        Assert.Equal(new Uri("https://api.procore.com/"), prod.ApiBaseUrl);
    }

    [Fact]
    public async Task HostBinding_CustomWithPathPrefix_KeepsPrefix()
    {
        using var h = new ClientHarness(environment: ProcoreEnvironment.Custom,
            customLogin: new Uri("http://127.0.0.1:5123/sim/login"), customApi: new Uri("http://127.0.0.1:5123/sim/api/"));

        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        Assert.Equal("http://127.0.0.1:5123/sim/login/oauth/token", Assert.Single(h.Stub.TokenRequests).Uri.ToString());
        Assert.StartsWith("http://127.0.0.1:5123/sim/api/rest/v1.0/me?", Assert.Single(h.Stub.ApiRequests).Uri.ToString());
    }

    [Theory]
    [InlineData("http://user:pass@127.0.0.1:5000/")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("http://127.0.0.1:5000/?x=1")]
    public async Task HostBinding_InvalidCustomBaseUrl_RefusedWithoutRequest(string api)
    {
        using var h = new ClientHarness(environment: ProcoreEnvironment.Custom,
            customLogin: new Uri("http://127.0.0.1:5000/"), customApi: new Uri(api));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.RequestNotAllowed, ex.Kind);
        Assert.Empty(h.Stub.Requests);
        Assert.Equal(0, h.SecretReads);
    }

    [Fact]
    public async Task HostBinding_CustomEnvironmentDisabled_Refused()
    {
        using var h = new ClientHarness(o => o.AllowCustomEnvironment = false, ProcoreEnvironment.Custom,
            new Uri("http://127.0.0.1:5000/"), new Uri("http://127.0.0.1:5000/"));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.AcquireTokenAsync(h.Credential));

        Assert.Equal(ProcoreErrorKind.RequestNotAllowed, ex.Kind);
        Assert.Empty(h.Stub.Requests);
    }

    [Fact]
    public async Task HostBinding_ApiRedirectToOtherHost_NotFollowed()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("https://evil.example/collect");
            return Task.FromResult(response);
        };

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.UnexpectedRedirect, ex.Kind);
        Assert.Single(h.Stub.ApiRequests);
        Assert.DoesNotContain(h.Stub.Requests, r => r.Uri.Host == "evil.example");
    }

    [Fact]
    public async Task HostBinding_TokenRedirect_SecretNotResent()
    {
        using var h = new ClientHarness();
        h.Stub.OnToken = (_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
            response.Headers.Location = new Uri("https://evil.example/oauth/token");
            return Task.FromResult(response);
        };

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.UnexpectedRedirect, ex.Kind);
        Assert.Single(h.Stub.Requests);
    }

    [Fact]
    public void PrimaryHandler_AutoRedirectOff_PooledConnections()
    {
        var options = new ProcoreClientOptions { PooledConnectionLifetime = TimeSpan.FromMinutes(3) };

        using var handler = ProcoreClientServiceCollectionExtensions.CreatePrimaryHandler(options);

        Assert.False(handler.AllowAutoRedirect);
        Assert.Equal(TimeSpan.FromMinutes(3), handler.PooledConnectionLifetime);
        Assert.False(handler.UseCookies);
    }

    [Theory]
    [InlineData("https://evil.example/rest/v1.0/me")]
    [InlineData("//evil.example/rest/v1.0/me")]
    [InlineData("http://api.procore.com@evil.example/rest/v1.0/me")]
    [InlineData("https://api.procore.com/rest/v1.0/me")]
    [InlineData("@evil.example/rest/v1.0/me")]
    [InlineData("/rest/v1.0/me@evil.example")]
    [InlineData("ftp://api.procore.com/rest/v1.0/me")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://127.0.0.1/rest/v1.0/me")]
    [InlineData("http://[::1]/rest/v1.0/me")]
    [InlineData("/rest/v1.0/../../admin")]
    [InlineData("/rest/v1.0/%2e%2e/me")]
    [InlineData("/rest/v1.0/me/../../../x")]
    [InlineData("/rest/v1.0/me#fragment")]
    [InlineData("\\\\evil.example\\share")]
    [InlineData("/rest/v1.0/me\r\nHost: evil.example")]
    [InlineData("/rest/v1.0/me?company_id=1 HTTP/1.1")]
    [InlineData("/rest/v1.0/projects/1/users/2/actions/remove")]
    [InlineData("/rest/v1.0/companies/1/users/inactive")]
    [InlineData("/rest/v2.0/companies/1/anything")]
    [InlineData("/oauth/token")]
    [InlineData("/rest/v1.0/me?redirect%5Buri%5D%3D=x&a;b=1")]
    [InlineData("")]
    public async Task Console_DisallowedTarget_RefusedBeforeAnyRequest(string path)
    {
        using var h = new ClientHarness();

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() =>
            h.Client.SendRawAsync(h.Credential, new ProcoreRawRequest(path, ClientHarness.CompanyId)));

        Assert.Equal(ProcoreErrorKind.RequestNotAllowed, ex.Kind);
        Assert.Empty(h.Stub.Requests);
        Assert.Equal(0, h.SecretReads);
    }

    [Theory]
    [InlineData("/rest/v1.0/me", "/rest/v1.0/me")]
    [InlineData("rest/v1.0/companies", "/rest/v1.0/companies")]
    [InlineData("/rest/v1.1/projects?company_id=598134325694431&filters[by_status]=All&page=2", "/rest/v1.1/projects")]
    [InlineData("/rest/v1.0/projects/3000000123?company_id=1", "/rest/v1.0/projects/3000000123")]
    [InlineData("/rest/v1.3/companies/598134325694431/users", "/rest/v1.3/companies/598134325694431/users")]
    [InlineData("/rest/v1.0/offices?company_id=1", "/rest/v1.0/offices")]
    public async Task Console_AllowListedPath_SentToApiHost(string path, string expectedPath)
    {
        using var h = new ClientHarness();

        var response = await h.Client.SendRawAsync(h.Credential, new ProcoreRawRequest(path, ClientHarness.CompanyId));

        var request = Assert.Single(h.Stub.ApiRequests);
        Assert.Equal("api.procore.com", request.Uri.Host);
        Assert.Equal(expectedPath, request.Uri.AbsolutePath);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(200, response.StatusCode);
    }
}

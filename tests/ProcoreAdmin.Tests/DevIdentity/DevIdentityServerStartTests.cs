using System.Net;
using ProcoreAdmin.DevIdentity;

namespace ProcoreAdmin.Tests.DevIdentity;

public class DevIdentityServerStartTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("production")]
    public async Task StartAsync_OutsideDevelopment_RefusesToStart(string environment)
    {
        var options = new DevIdentityOptions { Url = "http://127.0.0.1:0", ClientSecret = "s3cret", EnvironmentName = environment };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DevIdentityServer.StartAsync(options));

        Assert.Equal(
            $"ProcoreAdmin.DevIdentity is a development-only identity provider and refuses to start in the '{environment}' environment. " +
            "Configure a real OpenID Connect provider (Authentication:Oidc) instead.",
            error.Message);
    }

    [Theory]
    [InlineData("http://10.1.2.3:5390")]
    [InlineData("http://127.0.0.1:5390/idp")]
    [InlineData("not a url")]
    public async Task StartAsync_NonLoopbackOrPathUrl_IsRejected(string url)
    {
        var options = new DevIdentityOptions { Url = url, ClientSecret = "s3cret" };

        await Assert.ThrowsAsync<ArgumentException>(() => DevIdentityServer.StartAsync(options));
    }

    [Fact]
    public async Task StartAsync_PortZeroAndLowercaseDevelopment_BindsAFreeLoopbackPort()
    {
        await using var server = await DevIdentityServer.StartAsync(new DevIdentityOptions
        {
            Url = "http://127.0.0.1:0",
            ClientSecret = DevIdentityFixture.NewSecret(),
            EnvironmentName = "development",
        });

        Assert.Equal("127.0.0.1", server.Issuer.Host);
        Assert.NotEqual(0, server.Issuer.Port);
        Assert.Equal("/", server.Issuer.AbsolutePath);
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(server.Issuer, ".well-known/openid-configuration"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DisposeAsync_StopsListening()
    {
        var server = await DevIdentityServer.StartAsync(new DevIdentityOptions { Url = "http://127.0.0.1:0", ClientSecret = DevIdentityFixture.NewSecret() });
        var issuer = server.Issuer;

        await server.DisposeAsync();
        await server.DisposeAsync(); // idempotent

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(issuer, ".well-known/openid-configuration")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.RegisterClientRedirectsAsync([DevIdentityFixture.RedirectUri], []));
    }

    [Fact]
    public void SeededUsers_AreTheFourStaffAccountsWithStableSubjectsAndGroups()
    {
        var users = DevIdentityServer.SeededUsers;

        Assert.Equal(["admin", "operator", "viewer", "outsider"], users.Select(u => u.Username));
        Assert.All(users, u => Assert.Equal("dev", u.Password));
        Assert.Equal(["dev-admin", "dev-operator", "dev-viewer", "dev-outsider"], users.Select(u => u.Subject));
        Assert.Equal(["Ada Admin", "Otto Operator", "Vera Viewer", "Oscar Outsider"], users.Select(u => u.DisplayName));
        Assert.Equal(["procoreadmin-admins"], users[0].Groups);
        Assert.Equal(["procoreadmin-operators"], users[1].Groups);
        Assert.Equal(["procoreadmin-viewers"], users[2].Groups);
        Assert.Empty(users[3].Groups);
    }

    [Fact]
    public void SeededUsers_CannotBeModified()
    {
        var users = (IList<DevIdentityUser>)DevIdentityServer.SeededUsers;
        var groups = (IList<string>)users[0].Groups;

        Assert.Throws<NotSupportedException>(() => users[0] = users[1]);
        Assert.Throws<NotSupportedException>(() => groups.Add("procoreadmin-viewers"));
    }
}

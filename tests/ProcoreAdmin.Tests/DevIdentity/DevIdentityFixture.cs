using System.Security.Cryptography;
using ProcoreAdmin.DevIdentity;

namespace ProcoreAdmin.Tests.DevIdentity;

/// <summary>One development identity provider on a free loopback port, shared by the DevIdentity test collection.</summary>
public sealed class DevIdentityFixture : IAsyncLifetime
{
    public const string ClientId = "procoreadmin-web";

    public static readonly Uri RedirectUri = new("http://127.0.0.1:5391/signin-oidc");
    public static readonly Uri PostLogoutRedirectUri = new("http://127.0.0.1:5391/signout-callback-oidc");

    private DevIdentityServer? _server;

    public string ClientSecret { get; } = NewSecret();

    public DevIdentityServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public async Task InitializeAsync()
    {
        _server = await DevIdentityServer.StartAsync(new DevIdentityOptions
        {
            Url = "http://127.0.0.1:0",
            ClientId = ClientId,
            ClientSecret = ClientSecret,
        });
        await _server.RegisterClientRedirectsAsync([RedirectUri], [PostLogoutRedirectUri]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DevIdentityCollection : ICollectionFixture<DevIdentityFixture>
{
    public const string Name = "DevIdentity";
}

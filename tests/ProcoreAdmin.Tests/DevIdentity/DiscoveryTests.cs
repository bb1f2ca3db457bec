using System.Net;
using System.Text.Json;

namespace ProcoreAdmin.Tests.DevIdentity;

[Collection(DevIdentityCollection.Name)]
public class DiscoveryTests(DevIdentityFixture fixture)
{
    [Fact]
    public async Task Discovery_AdvertisesCodeFlowWithS256AndEndSession()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Issuer };

        using var response = await http.GetAsync(".well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        var issuer = fixture.Server.Issuer.AbsoluteUri;
        Assert.Equal(issuer, root.GetProperty("issuer").GetString());
        Assert.Equal(issuer + "connect/authorize", root.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(issuer + "connect/token", root.GetProperty("token_endpoint").GetString());
        Assert.Equal(issuer + "connect/endsession", root.GetProperty("end_session_endpoint").GetString());
        Assert.Equal(issuer + "connect/userinfo", root.GetProperty("userinfo_endpoint").GetString());
        Assert.True(root.TryGetProperty("jwks_uri", out _));
        Assert.Equal(["code"], Strings(root, "response_types_supported"));
        Assert.Equal(["S256"], Strings(root, "code_challenge_methods_supported"));
        Assert.Contains("authorization_code", Strings(root, "grant_types_supported"));
        Assert.Superset(new HashSet<string> { "openid", "profile", "email", "roles" }, Strings(root, "scopes_supported").ToHashSet());
        Assert.Superset(new HashSet<string> { "sub", "name", "preferred_username", "email", "groups" }, Strings(root, "claims_supported").ToHashSet());
    }

    private static string[] Strings(JsonElement root, string property) =>
        [.. root.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

public sealed class TokenEndpointTests
{
    private static async Task AssertBearerTokenAsync(HttpResponseMessage response, TestSimulator sim)
    {
        Assert.Equal(200, (int)response.StatusCode);
        var json = await JsonAsync(response);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("access_token").GetString()));
        Assert.Equal("bearer", json.GetProperty("token_type").GetString());
        Assert.Equal(5400, json.GetProperty("expires_in").GetInt32());
        Assert.Equal(sim.Time.GetUtcNow().ToUnixTimeSeconds(), json.GetProperty("created_at").GetInt64());
        Assert.False(json.TryGetProperty("refresh_token", out _));
        Assert.False(json.TryGetProperty("scope", out _));
        Assert.Equal("no-store", Header(response, "Cache-Control"));
    }

    [Fact]
    public async Task Token_WithFormBody_ReturnsBearerToken()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        }));
        await AssertBearerTokenAsync(response, sim);
    }

    [Fact]
    public async Task Token_WithMultipartBody_ReturnsBearerToken()
    {
        await using var sim = await StartAsync();
        using var content = new MultipartFormDataContent
        {
            { new StringContent("client_credentials"), "grant_type" },
            { new StringContent(ClientId), "client_id" },
            { new StringContent(sim.Secret), "client_secret" },
        };
        using var response = await sim.Http.PostAsync("oauth/token", content);
        await AssertBearerTokenAsync(response, sim);
    }

    [Fact]
    public async Task Token_WithJsonBody_ReturnsBearerToken()
    {
        await using var sim = await StartAsync();
        var body = JsonSerializer.Serialize(new { grant_type = "client_credentials", client_id = ClientId, client_secret = sim.Secret });
        using var response = await sim.Http.PostAsync("oauth/token", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertBearerTokenAsync(response, sim);
    }

    [Fact]
    public async Task Token_WithBasicAuthentication_ReturnsBearerToken()
    {
        await using var sim = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{sim.Secret}")));
        using var response = await sim.Http.SendAsync(request);
        await AssertBearerTokenAsync(response, sim);
    }

    [Fact]
    public async Task Token_ReturnsConfiguredLifetime()
    {
        await using var sim = await StartAsync(seed => seed.TokenLifetimeSeconds = 60);
        using var response = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        }));
        Assert.Equal(60, (await JsonAsync(response)).GetProperty("expires_in").GetInt32());
    }

    [Theory]
    [InlineData(ClientId, "wrong-secret")]
    [InlineData("unknown-client", "whatever")]
    [InlineData(ClientId, "")]
    public async Task Token_WithBadClientCredentials_Returns401InvalidClientWithWwwAuthenticate(string clientId, string secret)
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        Assert.Equal(401, (int)response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("invalid_client", json.GetProperty("error").GetString());
        Assert.StartsWith("Client authentication failed", json.GetProperty("error_description").GetString());
        var challenge = Header(response, "WWW-Authenticate");
        Assert.NotNull(challenge);
        Assert.Contains("error=\"invalid_client\"", challenge);
    }

    [Fact]
    public async Task Token_WithoutClientCredentials_Returns401InvalidClient()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("invalid_client", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_WithUnsupportedGrantType_Returns400UnsupportedGrantType()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        }));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("unsupported_grant_type", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_WithoutGrantType_Returns400InvalidRequest()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        }));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid_request", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_WithMalformedJsonBody_Returns400InvalidRequest()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/token", new StringContent("{\"grant_type\": \"client_cred", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid_request", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_WithRefreshTokenGrant_Returns400InvalidGrant()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = "made-up", ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        }));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid_grant", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_WithTrailingSlashPath_ReturnsBearerToken()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/token/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        }));
        await AssertBearerTokenAsync(response, sim);
    }

    [Fact]
    public async Task TokenInfo_WithValidToken_ReturnsApplicationAndRemainingLifetime()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.Time.Advance(TimeSpan.FromSeconds(400));
        using var request = new HttpRequestMessage(HttpMethod.Get, "oauth/token/info");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await sim.Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal(ClientId, json.GetProperty("application").GetProperty("uid").GetString());
        Assert.Equal(5000, json.GetProperty("expires_in_seconds").GetInt64());
        Assert.Equal(Start.ToUnixTimeSeconds(), json.GetProperty("created_at").GetInt64());
    }

    [Fact]
    public async Task TokenInfo_WithUnknownToken_Returns401InvalidToken()
    {
        await using var sim = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "oauth/token/info");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        using var response = await sim.Http.SendAsync(request);
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Revoke_UnknownToken_Returns200()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "never-issued" }));
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Revoke_IssuedToken_ThenApiCallReturns401Revoked()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using (var before = await sim.GetAsync("rest/v1.0/me", token))
        {
            Assert.Equal(200, (int)before.StatusCode);
        }

        using var revoke = await sim.Http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        }));
        Assert.Equal(200, (int)revoke.StatusCode);
        using var after = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(401, (int)after.StatusCode);
        Assert.Contains("The access token was revoked", Header(after, "WWW-Authenticate"));
    }
}

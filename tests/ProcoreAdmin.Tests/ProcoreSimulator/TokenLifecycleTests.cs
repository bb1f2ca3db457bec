using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

public sealed class TokenLifecycleTests
{
    [Fact]
    public async Task Api_WithExpiredToken_Returns401WithWwwAuthenticate()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.Time.Advance(TimeSpan.FromSeconds(5399));
        using (var stillValid = await sim.GetAsync("rest/v1.0/me", token))
        {
            Assert.Equal(200, (int)stillValid.StatusCode);
        }

        sim.Time.Advance(TimeSpan.FromSeconds(1));
        using var expired = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(401, (int)expired.StatusCode);
        Assert.Equal("Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token expired\"", Header(expired, "WWW-Authenticate"));
        Assert.Equal("invalid_token", (await JsonAsync(expired)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Api_WithShortenedLifetimeAtRuntime_ExpiresNewTokensSooner()
    {
        await using var sim = await StartAsync();
        sim.State.Configure(new ProcoreAdmin.ProcoreSimulator.SimulatorSettings { TokenLifetimeSeconds = 60 });
        var token = await sim.TokenAsync();
        sim.Time.Advance(TimeSpan.FromSeconds(60));
        using var response = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(401, (int)response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("made-up-token")]
    public async Task Api_WithMissingOrUnknownToken_Returns401Invalid(string? token)
    {
        await using var sim = await StartAsync();
        using var response = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains("error_description=\"The access token is invalid\"", Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task ResetSecret_OverHttp_KillsOldSecretAndItsTokensImmediately()
    {
        await using var sim = await StartAsync();
        var oldToken = await sim.TokenAsync();

        using var reset = await sim.Http.PostAsync($"_simulator/apps/{ClientId}/reset-secret", null);
        Assert.Equal(200, (int)reset.StatusCode);
        var newSecret = (await JsonAsync(reset)).GetProperty("client_secret").GetString();
        Assert.False(string.IsNullOrEmpty(newSecret));
        Assert.NotEqual(sim.Secret, newSecret);

        using (var oldTokenCall = await sim.GetAsync("rest/v1.0/me", oldToken))
        {
            Assert.Equal(401, (int)oldTokenCall.StatusCode);
            Assert.Contains("was revoked", Header(oldTokenCall, "WWW-Authenticate"));
        }

        using (var oldSecret = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        })))
        {
            Assert.Equal(401, (int)oldSecret.StatusCode);
        }

        var newToken = await sim.TokenAsync(secret: newSecret);
        using var newCall = await sim.GetAsync("rest/v1.0/me", newToken);
        Assert.Equal(200, (int)newCall.StatusCode);
    }

    [Fact]
    public async Task ResetSecret_InProcess_ReturnsWorkingSecret()
    {
        await using var sim = await StartAsync();
        var oldToken = await sim.TokenAsync();
        var newSecret = sim.State.ResetSecret(ClientId);
        using (var old = await sim.GetAsync("rest/v1.0/me", oldToken))
        {
            Assert.Equal(401, (int)old.StatusCode);
        }

        var token = await sim.TokenAsync(secret: newSecret);
        using var response = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task ResetSecret_UnknownClient_Returns404()
    {
        await using var sim = await StartAsync();
        using var response = await sim.Http.PostAsync("_simulator/apps/nobody/reset-secret", null);
        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task SandboxCredentials_WorkOnlyUnderTheSandboxPrefix()
    {
        await using var sim = await StartAsync();
        var sandboxToken = await sim.TokenAsync(SandboxClientId, sim.SandboxSecret, "_env/developer_sandbox/");
        using (var sandboxCall = await sim.GetAsync("_env/developer_sandbox/rest/v1.0/me", sandboxToken))
        {
            Assert.Equal(200, (int)sandboxCall.StatusCode);
        }

        using (var onProduction = await sim.GetAsync("rest/v1.0/me", sandboxToken))
        {
            Assert.Equal(401, (int)onProduction.StatusCode);
        }

        using var productionLogin = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = SandboxClientId, ["client_secret"] = sim.SandboxSecret,
        }));
        Assert.Equal(401, (int)productionLogin.StatusCode);
    }

    [Fact]
    public async Task ProductionToken_OnSandboxPrefix_Returns401()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("_env/developer_sandbox/rest/v1.0/me", token);
        Assert.Equal(401, (int)response.StatusCode);
    }

    [Fact]
    public async Task ConcurrentCallers_AllSucceedWithOneSharedToken()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        var calls = Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await sim.GetAsync($"rest/v1.0/projects?company_id={Northwind}&page={i % 3 + 1}", token);
            return (int)response.StatusCode;
        });
        var statuses = await Task.WhenAll(calls);
        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(1, sim.State.GetStats().TokenRequests);
        Assert.Equal(21, sim.State.GetStats().Requests);
    }
}

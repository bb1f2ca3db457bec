using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.ProcoreSimulator;

namespace ProcoreAdmin.Tests.Integration.ProcoreClientAgainstSimulator;

/// <summary>
/// QUALITY check 20 (host binding) over real HTTP: sandbox credentials and tokens only work on sandbox hosts and
/// production ones only on production hosts. The simulator serves each environment under its own path prefix.
/// </summary>
public sealed class EnvironmentBindingTests
{
    private static ProcoreCredential Sandbox(SimulatedProcore p, string key, Uri login, Uri api) =>
        SimulatedProcore.CredentialFor(key, TestSimulator.SandboxClientId, () => p.SandboxSecret, login, api);

    [Fact]
    public async Task SandboxCredential_OnSandboxHosts_Works()
    {
        await using var p = await SimulatedProcore.StartAsync();

        var me = await p.Client.GetMeAsync(Sandbox(p, "sandbox", p.SandboxBase, p.SandboxBase), SimulatedProcore.Northwind);

        Assert.True(me.Id > 0);
        Assert.All(p.Requests, r => Assert.Equal((SimulatorEnvironment.DeveloperSandbox, 200), (r.Environment, r.StatusCode)));
        Assert.Equal(["/_env/developer_sandbox/oauth/token", "/_env/developer_sandbox/rest/v1.0/me"], p.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task SandboxCredential_AtProductionLoginHost_InvalidClientAndNoApiCall()
    {
        await using var p = await SimulatedProcore.StartAsync();

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() =>
            p.Client.GetMeAsync(Sandbox(p, "sandbox-at-prod", p.Host.BaseAddress, p.Host.BaseAddress), SimulatedProcore.Northwind));

        Assert.Equal(ProcoreErrorKind.InvalidClient, ex.Kind);
        Assert.Contains("another environment", ex.Explanation, StringComparison.Ordinal);
        var token = Assert.Single(p.Requests);
        Assert.Equal(("/oauth/token", SimulatorEnvironment.Production, 401), (token.Path, token.Environment, token.StatusCode));
    }

    [Fact]
    public async Task SandboxToken_OnProductionApiHost_RefusedAfterOneRefetch()
    {
        await using var p = await SimulatedProcore.StartAsync();

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() =>
            p.Client.GetMeAsync(Sandbox(p, "sandbox-token-on-prod", p.SandboxBase, p.Host.BaseAddress), SimulatedProcore.Northwind));

        Assert.Equal(ProcoreErrorKind.InvalidToken, ex.Kind);
        Assert.Contains("after fetching a new token and retrying once", ex.Message, StringComparison.Ordinal);
        Assert.Equal(
            [
                ("/_env/developer_sandbox/oauth/token", 200), ("/rest/v1.0/me", 401),
                ("/_env/developer_sandbox/oauth/token", 200), ("/rest/v1.0/me", 401),
            ],
            p.Requests.Select(r => (r.Path, r.StatusCode)));
    }

    [Fact]
    public async Task ProductionToken_OnSandboxApiHost_Refused()
    {
        await using var p = await SimulatedProcore.StartAsync();
        var credential = SimulatedProcore.CredentialFor("prod-token-on-sandbox", TestSimulator.ClientId, () => p.Secret,
            p.Host.BaseAddress, p.SandboxBase);

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => p.Client.GetMeAsync(credential, SimulatedProcore.Northwind));

        Assert.Equal(ProcoreErrorKind.InvalidToken, ex.Kind);
        var api = p.ApiRequests;
        Assert.Equal(2, api.Count);
        Assert.All(api, r => Assert.Equal((SimulatorEnvironment.DeveloperSandbox, 401), (r.Environment, r.StatusCode)));
        Assert.All(p.TokenRequests, r => Assert.Equal("/oauth/token", r.Path));
    }

    [Fact]
    public async Task SameKey_HostsChanged_CachedTokenNotReusedOnOtherEnvironment()
    {
        await using var p = await SimulatedProcore.StartAsync();
        var onSandbox = Sandbox(p, "shared-key", p.SandboxBase, p.SandboxBase);
        await p.Client.GetMeAsync(onSandbox, SimulatedProcore.Northwind);
        p.State.ClearRequests();

        // Same key, now pointed at production hosts (e.g. an edited credential): the sandbox token must not travel there.
        var onProduction = Sandbox(p, "shared-key", p.Host.BaseAddress, p.Host.BaseAddress);
        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => p.Client.GetMeAsync(onProduction, SimulatedProcore.Northwind));

        Assert.Equal(ProcoreErrorKind.InvalidClient, ex.Kind);
        Assert.Empty(p.ApiRequests);
        Assert.Equal(("/oauth/token", 401), (p.Requests.Single().Path, p.Requests.Single().StatusCode));
    }
}

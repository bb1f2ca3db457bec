using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.ProcoreSimulator;

namespace ProcoreAdmin.Tests.Integration.ProcoreClientAgainstSimulator;

/// <summary>QUALITY check 23 over real HTTP: token cache, single flight, 401 handling and secret reset.</summary>
public sealed class TokenLifecycleTests
{
    [Fact]
    public async Task TokenCache_FiftyParallelCalls_SimulatorSeesExactlyOneTokenRequest()
    {
        await using var p = await SimulatedProcore.StartAsync();

        var calls = Enumerable.Range(0, 50).Select(_ => p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind));
        var results = await Task.WhenAll(calls);

        Assert.All(results, me => Assert.True(me.Id > int.MaxValue));
        var token = Assert.Single(p.TokenRequests);
        Assert.Equal(200, token.StatusCode);
        Assert.Equal(50, p.ApiRequests.Count);
        Assert.All(p.ApiRequests, r => Assert.Equal(200, r.StatusCode));
        Assert.All(p.ApiRequests, r => Assert.True(r.Sequence > token.Sequence, "an API call went out before the token arrived"));
    }

    [Fact]
    public async Task TokenCache_TokenNearExpiry_RefreshedBeforeServerExpiryWithoutAny401()
    {
        // 600 s tokens; the client refreshes at expires_in - min(5 min, 20% of 600 s) = 480 s.
        await using var p = await SimulatedProcore.StartAsync(seed => seed.TokenLifetimeSeconds = 600);
        await p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);

        p.Time.Advance(TimeSpan.FromSeconds(479));
        await p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);
        Assert.Single(p.TokenRequests);

        p.Time.Advance(TimeSpan.FromSeconds(2)); // 481 s: past the refresh point, still before the server's expiry
        await p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);

        Assert.Equal(2, p.TokenRequests.Count);
        Assert.DoesNotContain(p.Requests, r => r.StatusCode == 401);
    }

    [Fact]
    public async Task ResetSecret_CachedTokenKilled_OneRefetchThenCleanInvalidClientFailure()
    {
        await using var p = await SimulatedProcore.StartAsync();
        await p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);
        p.State.ResetSecret(TestSimulator.ClientId);
        p.State.ClearRequests();

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind));

        Assert.Equal(ProcoreErrorKind.InvalidClient, ex.Kind);
        Assert.Equal(401, ex.StatusCode);
        Assert.Contains("secret may have been reset", ex.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(p.Secret, ex.ToString(), StringComparison.Ordinal);
        // Exactly: the API call with the dead token (401), one token request with the dead secret (401), nothing more.
        Assert.Collection(p.Requests,
            api => Assert.Equal(("/rest/v1.0/me", 401, false), (api.Path, api.StatusCode, api.IsTokenRequest)),
            token => Assert.Equal(("/oauth/token", 401, true), (token.Path, token.StatusCode, token.IsTokenRequest)));
    }

    [Fact]
    public async Task ResetSecret_NewSecretAndForgetTokens_NextCallUsesFreshTokenWithout401()
    {
        await using var p = await SimulatedProcore.StartAsync();
        await p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);

        p.Secret = p.State.ResetSecret(TestSimulator.ClientId);
        p.Client.ForgetTokens(p.Credential.Key);
        p.State.ClearRequests();
        var me = await p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);

        Assert.True(me.Id > 0);
        Assert.Collection(p.Requests,
            token => Assert.Equal(("/oauth/token", 200), (token.Path, token.StatusCode)),
            api => Assert.Equal(("/rest/v1.0/me", 200), (api.Path, api.StatusCode)));
    }
}

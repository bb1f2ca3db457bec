using System.Net;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class TokenTests
{
    [Fact]
    public async Task Token_CachedUntilExpiresInMinusSkew_LifetimeTakenFromResponse()
    {
        using var h = new ClientHarness(o =>
        {
            o.TokenRefreshSkew = TimeSpan.FromSeconds(60);
            o.MaxTokenRefreshSkewFraction = 0.5;
        });
        h.Stub.TokenLifetimeSeconds = 1234; // not the 5400 default: the client must use what the server said

        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        h.Time.Advance(TimeSpan.FromSeconds(1234 - 60 - 1));
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        Assert.Single(h.Stub.TokenRequests);

        h.Time.Advance(TimeSpan.FromSeconds(2)); // now past expires_in − skew, still before expires_in
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        Assert.Equal(2, h.Stub.TokenRequests.Count);
        var api = h.Stub.ApiRequests;
        Assert.Equal(h.Stub.IssuedTokens.First(), api[1].BearerToken);
        Assert.Equal(h.Stub.IssuedTokens.Last(), api[2].BearerToken);
    }

    [Fact]
    public async Task Token_ShortLifetime_SkewCappedByFraction()
    {
        using var h = new ClientHarness(o =>
        {
            o.TokenRefreshSkew = TimeSpan.FromMinutes(5);
            o.MaxTokenRefreshSkewFraction = 0.2;
        });
        h.Stub.TokenLifetimeSeconds = 60; // skew = min(300 s, 20% of 60 s) = 12 s

        var check = await h.Client.AcquireTokenAsync(h.Credential);

        Assert.Equal(TimeSpan.FromSeconds(60), check.ExpiresIn);
        Assert.Equal(check.AcquiredAt + TimeSpan.FromSeconds(48), check.RefreshAt);
        h.Time.Advance(TimeSpan.FromSeconds(47));
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        Assert.Single(h.Stub.TokenRequests);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        Assert.Equal(2, h.Stub.TokenRequests.Count);
    }

    [Fact]
    public async Task Token_ConcurrentCallers_ShareOneRequest()
    {
        using var h = new ClientHarness();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Stub.OnToken = async (_, _) =>
        {
            await gate.Task;
            return StubProcore.TokenResponse(h.Stub.IssueToken(), 5400);
        };

        var calls = Enumerable.Range(0, 50).Select(_ => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId)).ToArray();
        gate.SetResult();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Single(h.Stub.TokenRequests);
        Assert.Equal(50, h.Stub.ApiRequests.Count);
        Assert.All(h.Stub.ApiRequests, r => Assert.Equal(h.Stub.IssuedTokens.Single(), r.BearerToken));
        Assert.Equal(1, h.SecretReads);
    }

    [Fact]
    public async Task Token_RequestIsFormWithCredentialsInBody()
    {
        using var h = new ClientHarness();

        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        var request = Assert.Single(h.Stub.TokenRequests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"));
        Assert.Null(request.Header("Authorization"));
        var form = StubProcore.Form(request);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(h.Credential.ClientId, form["client_id"]);
        Assert.Equal(h.Secret, form["client_secret"]);
    }

    [Fact]
    public async Task Token_Unauthorized_RefetchesOnceAndRetries()
    {
        using var h = new ClientHarness();
        var calls = 0;
        h.Stub.OnApi = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? StubProcore.Json(HttpStatusCode.Unauthorized, """{"error":"invalid_token","error_description":"The access token was revoked"}""")
            : StubProcore.Json(HttpStatusCode.OK, """{"id":1,"login":"a@b.c","name":"A"}"""));

        var me = await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        Assert.Equal(1, me.Id);
        Assert.Equal(2, h.Stub.TokenRequests.Count);
        var api = h.Stub.ApiRequests;
        Assert.Equal(2, api.Count);
        Assert.NotEqual(api[0].BearerToken, api[1].BearerToken);
        Assert.Equal(h.Stub.IssuedTokens.Last(), api[1].BearerToken);
    }

    [Fact]
    public async Task Token_UnauthorizedTwice_FailsCleanlyAfterOneRetry()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Json(HttpStatusCode.Unauthorized,
            """{"error":"invalid_token","error_description":"The access token is invalid"}""",
            ("WWW-Authenticate", "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token is invalid\"")));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.InvalidToken, ex.Kind);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("The access token is invalid", ex.ProcoreMessage);
        Assert.Contains("retrying once", ex.Message);
        Assert.NotNull(ex.RequestId);
        Assert.Equal(2, h.Stub.TokenRequests.Count);
        Assert.Equal(2, h.Stub.ApiRequests.Count);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Token_ExpiredTwice_ReportsTokenExpired()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.Unauthorized, "", "text/plain",
            ("WWW-Authenticate", "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token expired\"")));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.TokenExpired, ex.Kind);
        Assert.Equal("invalid_token", ex.ErrorCode);
    }

    [Fact]
    public async Task Token_ConcurrentUnauthorized_OneRefetchForAll()
    {
        using var h = new ClientHarness();
        var first = h.Stub.IssueToken();
        var issued = 0;
        h.Stub.OnToken = (_, _) => Task.FromResult(StubProcore.TokenResponse(
            Interlocked.Increment(ref issued) == 1 ? first : h.Stub.IssueToken(), 5400));
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId); // caches `first`
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Stub.OnApi = async (r, _) =>
        {
            if (r.BearerToken == first)
            {
                await gate.Task;
                return StubProcore.Json(HttpStatusCode.Unauthorized, """{"error":"invalid_token"}""");
            }

            return StubProcore.Json(HttpStatusCode.OK, """{"id":1}""");
        };

        var calls = Enumerable.Range(0, 20).Select(_ => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId)).ToArray();
        gate.SetResult();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(2, h.Stub.TokenRequests.Count);
    }

    [Fact]
    public async Task ForgetTokens_EvictsCachedToken()
    {
        using var h = new ClientHarness();
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        h.Client.ForgetTokens(h.Credential.Key);
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        Assert.Equal(2, h.Stub.TokenRequests.Count);
        Assert.Equal(h.Stub.IssuedTokens.Last(), h.Stub.ApiRequests[^1].BearerToken);
    }

    [Fact]
    public async Task ForgetTokens_DuringFetch_ResultIsNotCached()
    {
        using var h = new ClientHarness();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var n = 0;
        h.Stub.OnToken = async (_, _) =>
        {
            if (Interlocked.Increment(ref n) == 1)
            {
                await gate.Task;
            }

            return StubProcore.TokenResponse(h.Stub.IssueToken(), 5400);
        };

        var inFlight = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        h.Client.ForgetTokens(h.Credential.Key); // e.g. the secret was rotated meanwhile
        gate.SetResult();
        await inFlight.WaitAsync(TimeSpan.FromSeconds(15));
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        Assert.Equal(2, h.Stub.TokenRequests.Count);
    }

    [Fact]
    public async Task Revoke_PostsCachedTokenToLoginHost_AndEvicts()
    {
        using var h = new ClientHarness();
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        var oldToken = h.Stub.IssuedTokens.Single();

        await h.Client.RevokeAsync(h.Credential);
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        var revoke = Assert.Single(h.Stub.RevokeRequests);
        Assert.Equal(HttpMethod.Post, revoke.Method);
        Assert.Equal("https://login.procore.com/oauth/revoke", revoke.Uri.ToString());
        var form = StubProcore.Form(revoke);
        Assert.Equal(oldToken, form["token"]);
        Assert.Equal(h.Credential.ClientId, form["client_id"]);
        Assert.Equal(h.Secret, form["client_secret"]);
        Assert.Equal(2, h.Stub.TokenRequests.Count);
        Assert.Equal(h.Stub.IssuedTokens.Last(), h.Stub.ApiRequests[^1].BearerToken);
        Assert.DoesNotContain(h.Stub.Requests.SkipWhile(r => !r.IsRevokeRequest).Skip(1), r => r.BearerToken == oldToken);
    }

    [Fact]
    public async Task Revoke_NothingCached_SendsNothing()
    {
        using var h = new ClientHarness();

        await h.Client.RevokeAsync(h.Credential);

        Assert.Empty(h.Stub.Requests);
        Assert.Equal(0, h.SecretReads);
    }

    [Fact]
    public async Task Revoke_ServerError_NotRetried()
    {
        using var h = new ClientHarness();
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        h.Stub.OnRevoke = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.ServiceUnavailable, "busy", "text/plain", ("Retry-After", "1")));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.RevokeAsync(h.Credential));

        Assert.Equal(ProcoreErrorKind.ServerError, ex.Kind);
        Assert.Single(h.Stub.RevokeRequests);
        Assert.False(h.Time.HasPendingDelay);
    }

    [Fact]
    public async Task AcquireToken_ForcesFetch_ReturnsTimingWithoutToken()
    {
        using var h = new ClientHarness();
        h.Stub.OnToken = (_, _) =>
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(250)); // simulated latency on the fake clock
            return Task.FromResult(StubProcore.TokenResponse(h.Stub.IssueToken(), 5400));
        };
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        var check = await h.Client.AcquireTokenAsync(h.Credential);

        Assert.Equal(2, h.Stub.TokenRequests.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(250), check.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(5400), check.ExpiresIn);
        Assert.Equal("login.procore.com", check.LoginHost);
        Assert.All(h.Stub.IssuedTokens, t => Assert.DoesNotContain(t, check.ToString()));
    }

    [Fact]
    public async Task Token_InvalidClient_ClearExceptionNotRetried()
    {
        using var h = new ClientHarness();
        h.Stub.OnToken = (_, _) => Task.FromResult(StubProcore.Json(HttpStatusCode.Unauthorized,
            """{"error":"invalid_client","error_description":"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}"""));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.InvalidClient, ex.Kind);
        Assert.Equal("invalid_client", ex.ErrorCode);
        Assert.StartsWith("Client authentication failed", ex.ProcoreMessage);
        Assert.Contains("client id or client secret", ex.Explanation);
        Assert.Single(h.Stub.TokenRequests);
        Assert.Empty(h.Stub.ApiRequests);
        Assert.DoesNotContain(h.Secret, ex.ToString());
    }

    [Fact]
    public async Task Token_ResponseWithoutExpiresIn_IsMalformed()
    {
        using var h = new ClientHarness();
        h.Stub.OnToken = (_, _) => Task.FromResult(StubProcore.Json(HttpStatusCode.OK, """{"access_token":"abc","token_type":"bearer"}"""));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.MalformedResponse, ex.Kind);
        Assert.DoesNotContain("abc", ex.Message);
    }

    [Fact]
    public async Task Token_SecretProviderFails_SecretUnavailable()
    {
        using var h = new ClientHarness();
        var credential = h.Credential with { SecretProvider = _ => throw new InvalidOperationException("key ring unavailable") };

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.SecretUnavailable, ex.Kind);
        Assert.Empty(h.Stub.Requests);
    }
}

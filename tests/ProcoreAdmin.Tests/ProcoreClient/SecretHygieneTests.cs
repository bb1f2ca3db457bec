using System.Net;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class SecretHygieneTests
{
    [Fact]
    public async Task Logs_FullTraceOfAllPaths_ContainNoTokenOrSecret()
    {
        using var h = new ClientHarness(o => o.MaxTransientRetries = 1);
        var call = 0;
        h.Stub.OnApi = (r, _) => Task.FromResult(Interlocked.Increment(ref call) switch
        {
            1 => StubProcore.Json(HttpStatusCode.Unauthorized, """{"error":"invalid_token"}"""),
            2 => StubProcore.Text(HttpStatusCode.TooManyRequests, "slow", "text/plain",
                ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", StubProcore.Unix(h.Time.GetUtcNow().AddSeconds(2)))),
            3 => StubProcore.Text(HttpStatusCode.BadGateway, "bad"),
            4 => StubProcore.Json(HttpStatusCode.OK, """{"id":1}"""),
            _ => StubProcore.Json(HttpStatusCode.Forbidden, """{"errors":["App is not connected to this company."]}"""),
        });
        var exceptions = new List<Exception>();

        await h.Time.RunUntilCompleteAsync(h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));
        exceptions.Add(await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId)));
        var raw = await h.Client.SendRawAsync(h.Credential, new ProcoreRawRequest("/rest/v1.0/me", ClientHarness.CompanyId));
        var check = await h.Client.AcquireTokenAsync(h.Credential);
        await h.Client.RevokeAsync(h.Credential);
        h.Stub.OnToken = (_, _) => Task.FromResult(StubProcore.Json(HttpStatusCode.Unauthorized, """{"error":"invalid_client"}"""));
        exceptions.Add(await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId)));

        var logs = h.AllLogText;
        Assert.NotEmpty(h.Logs.GetSnapshot());
        Assert.Contains("ProcoreAdmin.ProcoreClient", logs);
        var observable = logs + string.Join("\n", exceptions.Select(e => e.ToString()))
                              + raw + string.Join("\n", raw.RequestHeaders) + string.Join("\n", raw.ResponseHeaders) + raw.Body
                              + check + h.Credential;
        Assert.True(h.Stub.IssuedTokens.Count >= 3);
        foreach (var token in h.Stub.IssuedTokens)
        {
            var at = observable.IndexOf(token, StringComparison.Ordinal);
            Assert.True(at < 0, at < 0 ? null : observable.Substring(Math.Max(0, at - 300), 400));
        }

        Assert.DoesNotContain(h.Secret, observable);
        Assert.DoesNotContain("client_secret=", observable);
        Assert.DoesNotMatch(@"Bearer\s+TESTTOKEN", observable);
    }

    [Fact]
    public void Credential_ToString_HasNoSecret()
    {
        var credential = new ProcoreCredential("k", ProcoreEnvironment.Production, "cid", _ => ValueTask.FromResult("TESTSECRET-x"));

        Assert.Equal("ProcoreCredential { Key = k, Environment = Production, ClientId = cid }", credential.ToString());
    }
}

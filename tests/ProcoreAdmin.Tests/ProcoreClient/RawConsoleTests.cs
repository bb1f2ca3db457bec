using System.Net;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class RawConsoleTests
{
    private static Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>> MprServer(TestTime time) => (r, _) =>
    {
        time.Advance(TimeSpan.FromMilliseconds(40)); // simulated API latency on the fake clock
        return Task.FromResult(r.Header("Procore-Company-Id") is null
            ? StubProcore.Text(HttpStatusCode.BadRequest, "Missing Procore-Company-Id header!", "text/plain", ("X-Request-Id", "rid-1"))
            : StubProcore.Json(HttpStatusCode.OK, """{"id":1,"login":"svc@x.example","name":"Svc"}""",
                ("X-Rate-Limit-Limit", "25"), ("X-Rate-Limit-Remaining", "24"),
                ("X-Rate-Limit-Reset", StubProcore.Unix(time.GetUtcNow().AddSeconds(10)))));
    };

    [Fact]
    public async Task Console_Success_ReturnsStatusHeadersBodyAndSeparateTimings()
    {
        using var h = new ClientHarness();
        h.Stub.OnToken = (_, _) =>
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(300));
            return Task.FromResult(StubProcore.TokenResponse(h.Stub.IssueToken(), 5400));
        };
        h.Stub.OnApi = MprServer(h.Time);

        var response = await h.Client.SendRawAsync(h.Credential, new ProcoreRawRequest("/rest/v1.0/me", ClientHarness.CompanyId));

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("\"login\":\"svc@x.example\"", response.Body);
        Assert.Equal(TimeSpan.FromMilliseconds(300), response.TokenAcquisitionTime);
        Assert.False(response.TokenFromCache);
        Assert.Equal(TimeSpan.FromMilliseconds(40), response.RoundTripTime);
        Assert.Equal(TimeSpan.FromMilliseconds(340), response.TotalTime);
        Assert.True(response.CompanyHeaderSent);
        Assert.Contains(response.RequestHeaders, kv => kv.Key == "Procore-Company-Id" && kv.Value == "598134325694431");
        Assert.Contains(response.RequestHeaders, kv => kv.Key == "Authorization" && kv.Value == "Bearer [redacted]");
        Assert.Contains(response.ResponseHeaders, kv => kv.Key == "X-Rate-Limit-Remaining" && kv.Value == "24");
        Assert.StartsWith("application/json", response.ContentType);
        Assert.Equal(24, response.RateLimit?.Remaining);
        Assert.NotNull(response.RequestId);
        Assert.Equal(1, response.Attempts);
        Assert.Equal(new Uri("https://api.procore.com/rest/v1.0/me"), response.RequestUrl);

        var second = await h.Client.SendRawAsync(h.Credential, new ProcoreRawRequest("/rest/v1.0/me", ClientHarness.CompanyId));
        Assert.True(second.TokenFromCache);
        Assert.Equal(TimeSpan.Zero, second.TokenAcquisitionTime);
    }

    [Fact]
    public async Task Console_OmitCompanyHeader_ShowsProcoreAnswerWithoutThrowing()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = MprServer(h.Time);

        var response = await h.Client.SendRawAsync(h.Credential,
            new ProcoreRawRequest("/rest/v1.0/companies", ClientHarness.CompanyId) { OmitCompanyHeader = true });

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("Missing Procore-Company-Id header!", response.Body);
        Assert.False(response.CompanyHeaderSent);
        Assert.Equal("rid-1", response.RequestId);
        Assert.Null(Assert.Single(h.Stub.ApiRequests).Header("Procore-Company-Id"));
        Assert.DoesNotContain(response.RequestHeaders, kv => kv.Key == "Procore-Company-Id");
    }

    [Fact]
    public async Task Console_ServerError_ReturnedAsIsWithoutRetry()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.ServiceUnavailable, "<html>busy</html>", "text/html",
            ("Retry-After", "5")));

        var response = await h.Client.SendRawAsync(h.Credential, new ProcoreRawRequest("/rest/v1.0/me", ClientHarness.CompanyId));

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("<html>busy</html>", response.Body);
        Assert.Single(h.Stub.ApiRequests);
    }

    [Fact]
    public async Task Console_Unauthorized_OneFreshTokenThenShown()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Json(HttpStatusCode.Unauthorized, """{"error":"invalid_token"}"""));

        var response = await h.Client.SendRawAsync(h.Credential, new ProcoreRawRequest("/rest/v1.0/me", ClientHarness.CompanyId));

        Assert.Equal(401, response.StatusCode);
        Assert.Equal(2, response.Attempts);
        Assert.Equal(2, h.Stub.TokenRequests.Count);
    }

    [Fact]
    public async Task Console_LargeBody_Truncated()
    {
        using var h = new ClientHarness(o => o.MaxRawBodyChars = 1000);
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Json(HttpStatusCode.OK, "[" + string.Join(",", Enumerable.Repeat("1", 5000)) + "]"));

        var response = await h.Client.SendRawAsync(h.Credential, new ProcoreRawRequest("/rest/v1.0/companies", ClientHarness.CompanyId));

        Assert.True(response.BodyTruncated);
        Assert.Equal(1000, response.Body.Length);
    }
}

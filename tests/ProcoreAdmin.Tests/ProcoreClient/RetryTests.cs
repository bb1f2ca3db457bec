using System.Net;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class RetryTests
{
    [Fact]
    public async Task Retry_502OnGet_BoundedJitteredBackoffThenServerError()
    {
        using var h = new ClientHarness(o =>
        {
            o.MaxTransientRetries = 3;
            o.BaseBackoff = TimeSpan.FromSeconds(1);
            o.MaxBackoff = TimeSpan.FromSeconds(3);
        });
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.BadGateway, "bad gateway"));
        var progress = new RecordingProgress();

        var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId, progress: progress);
        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Time.RunUntilCompleteAsync(task));

        Assert.Equal(ProcoreErrorKind.ServerError, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Equal(4, h.Stub.ApiRequests.Count);
        var waits = progress.Reports.Select(r => r.Wait!.Value).ToList();
        Assert.Equal(3, waits.Count);
        // equal jitter: attempt n waits between half and all of min(base·2^(n−1), max)
        Assert.InRange(waits[0], TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        Assert.InRange(waits[1], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(waits[2], TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3));
        Assert.All(progress.Reports, r => Assert.Equal(ProcoreProgressKind.WaitingToRetry, r.Kind));
    }

    [Fact]
    public async Task Retry_504ThenSuccess_Recovers()
    {
        using var h = new ClientHarness();
        var calls = 0;
        h.Stub.OnApi = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? StubProcore.Text(HttpStatusCode.GatewayTimeout, "")
            : StubProcore.Json(HttpStatusCode.OK, """{"id":5}"""));

        var (me, _) = await h.Time.RunUntilCompleteAsync(h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(5, me.Id);
        Assert.Equal(2, h.Stub.ApiRequests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, ProcoreErrorKind.BadRequest)]
    [InlineData(HttpStatusCode.Forbidden, ProcoreErrorKind.Forbidden)]
    [InlineData(HttpStatusCode.NotFound, ProcoreErrorKind.NotFound)]
    [InlineData(HttpStatusCode.UnprocessableEntity, ProcoreErrorKind.ValidationFailed)]
    [InlineData(HttpStatusCode.Conflict, ProcoreErrorKind.Conflict)]
    public async Task Retry_NonRetryableStatus_SingleAttempt(HttpStatusCode status, ProcoreErrorKind kind)
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Json(status, """{"message":"nope"}"""));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal((int)status, ex.StatusCode);
        Assert.Equal("nope", ex.ProcoreMessage);
        Assert.Single(h.Stub.ApiRequests);
        Assert.Single(h.Stub.TokenRequests);
        Assert.False(h.Time.HasPendingDelay);
    }

    [Fact]
    public async Task Retry_500OnGet_RetriedWithBackoffThenRecovers()
    {
        using var h = new ClientHarness(o => o.JitterSeed = 7);
        var calls = 0;
        h.Stub.OnApi = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) <= 2
            ? StubProcore.Text(HttpStatusCode.InternalServerError, "<html><body>We're sorry</body></html>", "text/html")
            : StubProcore.Json(HttpStatusCode.OK, """{"id":5}"""));
        var progress = new RecordingProgress();

        var (me, waits) = await h.Time.RunUntilCompleteAsync(h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId, progress: progress));

        Assert.Equal(5, me.Id);
        Assert.Equal(3, h.Stub.ApiRequests.Count);
        Assert.Equal(2, waits.Count);
        Assert.All(progress.Reports, r => Assert.Equal(500, r.StatusCode));
    }

    [Fact]
    public async Task Retry_PostRevoke_500NeverRetried()
    {
        using var h = new ClientHarness();
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        h.Stub.OnRevoke = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.InternalServerError, "oops", "text/html"));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.RevokeAsync(h.Credential));

        Assert.Equal(ProcoreErrorKind.ServerError, ex.Kind);
        Assert.Single(h.Stub.RevokeRequests);
        Assert.False(h.Time.HasPendingDelay);
    }

    [Fact]
    public async Task Retry_Backoff_WithTheSameJitterSeed_WaitsTheSameTimes()
    {
        async Task<IReadOnlyList<TimeSpan>> RunAsync()
        {
            using var h = new ClientHarness(o =>
            {
                o.JitterSeed = 1234;
                o.BaseBackoff = TimeSpan.FromSeconds(1);
                o.MaxBackoff = TimeSpan.FromSeconds(8);
            });
            h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.BadGateway, "bad gateway"));
            var progress = new RecordingProgress();
            var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId, progress: progress);
            await Assert.ThrowsAsync<ProcoreApiException>(() => h.Time.RunUntilCompleteAsync(task));
            return [.. progress.Reports.Select(r => r.Wait!.Value)];
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(3, first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Retry_PostRevoke_429NeverRetried()
    {
        using var h = new ClientHarness();
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        h.Stub.OnRevoke = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.TooManyRequests, "slow down", "text/plain",
            ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", StubProcore.Unix(h.Time.GetUtcNow().AddSeconds(2)))));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.RevokeAsync(h.Credential));

        Assert.Equal(ProcoreErrorKind.RateLimited, ex.Kind);
        Assert.Single(h.Stub.RevokeRequests);
        Assert.False(h.Time.HasPendingDelay);
    }

    [Fact]
    public async Task Retry_TokenEndpoint503_IsRetried()
    {
        using var h = new ClientHarness();
        var calls = 0;
        h.Stub.OnToken = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? StubProcore.Text(HttpStatusCode.ServiceUnavailable, "<html><title>Down</title></html>", "text/html", ("Retry-After", "2"))
            : StubProcore.TokenResponse(h.Stub.IssueToken(), 5400));

        var (me, waits) = await h.Time.RunUntilCompleteAsync(h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(2, h.Stub.TokenRequests.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.Single(waits));
        Assert.Single(h.Stub.ApiRequests);
    }

    [Fact]
    public async Task Error_MalformedJson_MalformedResponse()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Json(HttpStatusCode.OK, """{"id": 1, "login": """));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.MalformedResponse, ex.Kind);
        Assert.Equal(200, ex.StatusCode);
        Assert.NotNull(ex.RequestId);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
        Assert.Single(h.Stub.ApiRequests);
    }

    [Fact]
    public async Task Error_HtmlWith200_MalformedResponse()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.OK, "<html><body>Login</body></html>", "text/html"));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() =>
            h.Client.GetProjectsPageAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery()));

        Assert.Equal(ProcoreErrorKind.MalformedResponse, ex.Kind);
    }

    [Fact]
    public async Task Error_Timeout_TimeoutKind()
    {
        using var h = new ClientHarness(o => o.MaxTransientRetries = 0);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Stub.OnApi = async (_, ct) =>
        {
            received.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };

        var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(15));
        h.Time.Advance(ClientHarness.RequestTimeout);
        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => task.WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal(ProcoreErrorKind.Timeout, ex.Kind);
        Assert.Null(ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Contains("did not answer", ex.Message);
    }

    [Fact]
    public async Task Error_TransportFailure_RetriedThenUnreachable()
    {
        using var h = new ClientHarness(o => o.MaxTransientRetries = 2);
        h.Stub.OnApi = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (api.procore.com:443)");

        var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Time.RunUntilCompleteAsync(task));

        Assert.Equal(ProcoreErrorKind.Unreachable, ex.Kind);
        Assert.Equal(3, h.Stub.ApiRequests.Count);
        Assert.Contains("ConnectionError", ex.Message);
    }

    [Fact]
    public async Task Error_CallerCancellation_IsOperationCanceledNotProcoreError()
    {
        using var h = new ClientHarness();
        using var cts = new CancellationTokenSource();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Stub.OnApi = async (_, ct) =>
        {
            received.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };

        var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId, cts.Token);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Single(h.Stub.ApiRequests);
    }
}

using System.Net;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class RateLimitTests
{
    private const string SurpassedText = "You have surpassed the max number of requests for an hour. Please wait until your limit resets.";

    private static HttpResponseMessage Limited(TestTime time, TimeSpan resetIn, long remaining = 0, bool withDate = true)
    {
        var now = time.GetUtcNow();
        var headers = new List<(string, string)>
        {
            ("X-Rate-Limit-Limit", "25"),
            ("X-Rate-Limit-Remaining", remaining.ToString()),
            ("X-Rate-Limit-Reset", StubProcore.Unix(now + resetIn)),
        };
        if (withDate)
        {
            headers.Add(("Date", now.ToString("r")));
        }

        return StubProcore.Text(HttpStatusCode.TooManyRequests, SurpassedText, "text/plain", headers.ToArray());
    }

    /// <summary>When the client's own request leaves the 10 s spike window, seen from its response.</summary>
    private static readonly TimeSpan OwnRequestLeaves = TimeSpan.FromSeconds(10);

    private static HttpResponseMessage Ok(TestTime time, long remaining, TimeSpan resetIn) =>
        StubProcore.Json(HttpStatusCode.OK, """{"id":1,"login":"a@b.c","name":"A"}""",
            ("X-Rate-Limit-Limit", "25"),
            ("X-Rate-Limit-Remaining", remaining.ToString()),
            ("X-Rate-Limit-Reset", StubProcore.Unix(time.GetUtcNow() + resetIn)));

    [Fact]
    public async Task RateLimit_429WithReset_WaitsUntilResetAndReportsWait()
    {
        using var h = new ClientHarness();
        var calls = 0;
        h.Stub.OnApi = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? Limited(h.Time, TimeSpan.FromSeconds(7))
            : Ok(h.Time, 24, TimeSpan.FromSeconds(10)));
        var progress = new RecordingProgress();

        var (me, waits) = await h.Time.RunUntilCompleteAsync(
            h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId, progress: progress));

        Assert.Equal(1, me.Id);
        var api = h.Stub.ApiRequests;
        Assert.Equal(2, api.Count);
        Assert.True(api[1].At - api[0].At >= TimeSpan.FromSeconds(7), $"retried after {api[1].At - api[0].At}");
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.Single(waits));
        var report = Assert.Single(progress.Reports);
        Assert.Equal(ProcoreProgressKind.WaitingForRateLimit, report.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), report.Wait);
        Assert.Equal(429, report.StatusCode);
        Assert.Equal("Waiting for rate limit, 7 s", report.Message);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("429"));
    }

    [Fact]
    public async Task RateLimit_429_ResetMappedThroughDateHeader_ImmuneToClockSkew()
    {
        using var h = new ClientHarness();
        var calls = 0;
        h.Stub.OnApi = (_, _) =>
        {
            if (Interlocked.Increment(ref calls) > 1)
            {
                return Task.FromResult(Ok(h.Time, 24, TimeSpan.FromSeconds(10)));
            }

            // The server's clock is one hour ahead of ours; Reset is 5 s after the server's Date.
            var serverNow = h.Time.GetUtcNow().AddHours(1);
            return Task.FromResult(StubProcore.Text(HttpStatusCode.TooManyRequests, SurpassedText, "text/plain",
                ("X-Rate-Limit-Remaining", "0"),
                ("X-Rate-Limit-Reset", StubProcore.Unix(serverNow.AddSeconds(5))),
                ("Date", serverNow.ToString("r"))));
        };

        var (_, waits) = await h.Time.RunUntilCompleteAsync(h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(TimeSpan.FromSeconds(5), Assert.Single(waits));
    }

    [Fact]
    public async Task RateLimit_ClocksAgree_SubSecondPrecisionKept()
    {
        using var h = new ClientHarness();
        h.Time.Advance(TimeSpan.FromMilliseconds(300)); // 12:00:00.300; Date says 12:00:00, Reset is 12:00:01
        var calls = 0;
        h.Stub.OnApi = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? StubProcore.Text(HttpStatusCode.TooManyRequests, SurpassedText, "text/plain",
                ("X-Rate-Limit-Remaining", "0"),
                ("X-Rate-Limit-Reset", StubProcore.Unix(TestTime.Epoch.AddSeconds(1))),
                ("Date", TestTime.Epoch.ToString("r")))
            : Ok(h.Time, 24, TimeSpan.FromSeconds(10)));

        var (_, waits) = await h.Time.RunUntilCompleteAsync(h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(TimeSpan.FromMilliseconds(700), Assert.Single(waits));
    }

    [Fact]
    public async Task RateLimit_RemainingZero_PausesPastTheResetUntilItsOwnRequestLeavesTheWindow()
    {
        using var h = new ClientHarness();
        var resetAt = h.Time.GetUtcNow() + TimeSpan.FromSeconds(5);
        h.Stub.OnApi = (_, _) => Task.FromResult(h.Time.GetUtcNow() < resetAt
            ? Ok(h.Time, 0, resetAt - h.Time.GetUtcNow())
            : Ok(h.Time, 24, TimeSpan.FromSeconds(10)));
        var progress = new RecordingProgress();

        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        var snapshot = h.Client.GetRateLimitSnapshot(h.Credential.Key);
        var (_, waits) = await h.Time.RunUntilCompleteAsync(
            h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId, progress: progress));

        Assert.NotNull(snapshot);
        Assert.Equal(0, snapshot.Remaining);
        Assert.Equal(25, snapshot.Limit);
        Assert.Equal(resetAt, snapshot.ResetAt);
        Assert.Equal(ClientHarness.CompanyId, snapshot.CompanyId);
        Assert.True(snapshot.IsSpikeWindow);
        // The reset frees another caller's slot (the window rolls; they take it again): the slot that comes back for this
        // client is its own request's, a window after it was answered.
        Assert.Equal(OwnRequestLeaves, Assert.Single(waits));
        var api = h.Stub.ApiRequests;
        Assert.Equal(2, api.Count);
        Assert.True(api[1].At >= resetAt);
        Assert.Equal(ProcoreProgressKind.WaitingForRateLimit, Assert.Single(progress.Reports).Kind);
        Assert.Equal(24, h.Client.GetRateLimitSnapshot(h.Credential.Key)!.Remaining);
    }

    [Fact]
    public async Task RateLimit_PacingIsPerApp_TheQuotaIsSharedAcrossCompanies()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(Ok(h.Time, 0, TimeSpan.FromSeconds(8)));

        await h.Client.GetMeAsync(h.Credential, 111);
        var other = h.Client.GetMeAsync(h.Credential, 222); // another company, same app: same quota

        Assert.Equal(OwnRequestLeaves, await h.Time.NextDelayAsync());
        Assert.Single(h.Stub.ApiRequests);
        h.Time.Advance(OwnRequestLeaves);
        await other.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(2, h.Stub.ApiRequests.Count);
    }

    [Fact]
    public async Task RateLimit_SpikeWindowReserve_LastRequestIsLeftToOtherCallers()
    {
        using var h = new ClientHarness(o => o.RateLimitReserve = 1);
        h.Stub.OnApi = (_, _) => Task.FromResult(Ok(h.Time, 1, TimeSpan.FromSeconds(4)));

        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        var next = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        Assert.Equal(OwnRequestLeaves, await h.Time.NextDelayAsync());
        Assert.Single(h.Stub.ApiRequests);
        h.Time.Advance(OwnRequestLeaves);
        await next.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task RateLimit_TokenIsTakenAfterThePacingWait_SoItCannotExpireWhileWaiting()
    {
        using var h = new ClientHarness(o => o.MaxRateLimitWait = TimeSpan.FromMinutes(10));
        h.Stub.TokenLifetimeSeconds = 100; // cached until 80 s (20 % skew)
        h.Stub.OnApi = (_, _) => Task.FromResult(h.Stub.ApiRequests.Count == 1
            ? Ok(h.Time, 0, TimeSpan.FromSeconds(90))
            : Ok(h.Time, 20, TimeSpan.FromSeconds(10)));

        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        var (_, waits) = await h.Time.RunUntilCompleteAsync(h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(TimeSpan.FromSeconds(90), Assert.Single(waits));
        Assert.Equal(2, h.Stub.TokenRequests.Count); // the first token had expired by the time the request left
        Assert.Equal(h.Stub.IssuedTokens.Last(), h.Stub.ApiRequests[1].BearerToken);
        Assert.True(h.Stub.TokenRequests[1].At >= TestTime.Epoch.AddSeconds(90));
    }

    [Fact]
    public async Task RateLimit_Repeated429_AreBoundedByTheTimeBudgetNotByACount()
    {
        using var h = new ClientHarness(o => o.InteractiveTimeBudget = TimeSpan.FromSeconds(20));
        h.Stub.OnApi = (_, _) => Task.FromResult(Limited(h.Time, TimeSpan.FromSeconds(2)));

        var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Time.RunUntilCompleteAsync(task));

        Assert.Equal(ProcoreErrorKind.RateLimited, ex.Kind);
        var api = h.Stub.ApiRequests;
        Assert.True(api.Count > 4, $"only {api.Count} attempts: a count of 3 still bounds the waiting");
        Assert.True(api[^1].At - api[0].At <= TimeSpan.FromSeconds(20));
        // Every 429 after the first backs off beyond the stated reset: others are draining the quota.
        Assert.True(api[2].At - api[1].At > TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task RateLimit_ExportTimeBudget_WaitsOutAResetTheInteractiveBudgetWouldRefuse()
    {
        using var h = new ClientHarness(o =>
        {
            o.InteractiveTimeBudget = TimeSpan.FromSeconds(5);
            o.MaxRateLimitWait = TimeSpan.FromMinutes(10);
        });
        var calls = 0;
        h.Stub.OnApi = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? Limited(h.Time, TimeSpan.FromSeconds(40))
            : Ok(h.Time, 20, TimeSpan.FromSeconds(10)));

        var interactive = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));
        Assert.Equal(TimeSpan.FromSeconds(40), interactive.RetryAfter);

        calls = 0;
        h.Time.Advance(TimeSpan.FromSeconds(41));
        Task<ProcoreMe> export;
        using (ProcoreTimeBudget.Begin(TimeSpan.FromMinutes(2)))
        {
            export = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        }

        var (_, waits) = await h.Time.RunUntilCompleteAsync(export);
        Assert.Equal(TimeSpan.FromSeconds(40), Assert.Single(waits));
    }

    [Fact]
    public async Task RateLimit_ConcurrentCallers_DoNotOvershootRemaining()
    {
        using var h = new ClientHarness();
        var resetAt = h.Time.GetUtcNow() + TimeSpan.FromSeconds(10);
        var first = true;
        h.Stub.OnApi = (_, _) =>
        {
            var remaining = first ? 2 : 0;
            first = false;
            return Task.FromResult(Ok(h.Time, remaining, resetAt - h.Time.GetUtcNow()));
        };
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId); // Remaining = 2

        var calls = Enumerable.Range(0, 5).Select(_ => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId)).ToArray();
        var delay = await h.Time.NextDelayAsync(); // at least one caller must pause

        Assert.True(h.Stub.ApiRequests.Count <= 3, $"sent {h.Stub.ApiRequests.Count} requests on 2 remaining");
        Assert.Equal(OwnRequestLeaves, delay);
        h.Time.Advance(delay);
        await h.Time.RunUntilCompleteAsync(Task.WhenAll(calls));
        Assert.Equal(6, h.Stub.ApiRequests.Count);
    }

    [Fact]
    public async Task RateLimit_503WithRetryAfter_WaitsStatedTime()
    {
        using var h = new ClientHarness();
        var calls = 0;
        h.Stub.OnApi = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? StubProcore.Text(HttpStatusCode.ServiceUnavailable, "<html><body>Heavy load</body></html>", "text/html", ("Retry-After", "3"))
            : Ok(h.Time, 24, TimeSpan.FromSeconds(10)));
        var progress = new RecordingProgress();

        var (_, waits) = await h.Time.RunUntilCompleteAsync(
            h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId, progress: progress));

        var api = h.Stub.ApiRequests;
        Assert.Equal(2, api.Count);
        Assert.True(api[1].At - api[0].At >= TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), Assert.Single(waits));
        Assert.Equal(503, Assert.Single(progress.Reports).StatusCode);
    }

    [Fact]
    public async Task RateLimit_WaitLongerThanCap_FailsAtOnceWithRetryAfter()
    {
        using var h = new ClientHarness(o => o.MaxRateLimitWait = TimeSpan.FromSeconds(90));
        h.Stub.OnApi = (_, _) => Task.FromResult(Limited(h.Time, TimeSpan.FromMinutes(40))); // hourly window

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.RateLimited, ex.Kind);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(40), ex.RetryAfter);
        Assert.Equal(SurpassedText, ex.ProcoreMessage);
        Assert.Contains("2400 s", ex.Message);
        Assert.True(ex.IsTransient);
        Assert.NotNull(ex.RateLimit);
        Assert.Single(h.Stub.ApiRequests);
        Assert.False(h.Time.HasPendingDelay);
    }

    [Fact]
    public async Task RateLimit_PacingWaitLongerThanCap_FailsWithoutSending()
    {
        using var h = new ClientHarness(o => o.MaxRateLimitWait = TimeSpan.FromSeconds(30));
        h.Stub.OnApi = (_, _) => Task.FromResult(Ok(h.Time, 0, TimeSpan.FromMinutes(50)));
        await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromMinutes(50), ex.RetryAfter);
        Assert.Single(h.Stub.ApiRequests);
    }

    [Fact]
    public async Task RateLimit_Repeated429_BoundedAttempts()
    {
        using var h = new ClientHarness(o => o.MaxRateLimitRetries = 2);
        h.Stub.OnApi = (_, _) => Task.FromResult(Limited(h.Time, TimeSpan.FromSeconds(2)));

        var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Time.RunUntilCompleteAsync(task));

        Assert.Equal(ProcoreErrorKind.RateLimited, ex.Kind);
        Assert.Equal(3, h.Stub.ApiRequests.Count);
    }

    [Fact]
    public async Task RateLimit_429WithoutHeaders_BacksOffInsteadOfHotLooping()
    {
        using var h = new ClientHarness(o => o.MaxRateLimitRetries = 3);
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.TooManyRequests, SurpassedText));

        var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        await Assert.ThrowsAsync<ProcoreApiException>(() => h.Time.RunUntilCompleteAsync(task));

        var api = h.Stub.ApiRequests;
        Assert.Equal(4, api.Count);
        for (var i = 1; i < api.Count; i++)
        {
            Assert.True(api[i].At - api[i - 1].At >= TimeSpan.FromMilliseconds(250), "no back-off between attempts");
        }
    }

    [Fact]
    public async Task RateLimit_CallerCancelsWhileWaiting_OperationCanceled()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(Limited(h.Time, TimeSpan.FromSeconds(60)));
        using var cts = new CancellationTokenSource();

        var task = h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId, cts.Token);
        await h.Time.NextDelayAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Single(h.Stub.ApiRequests);
    }
}

using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;

namespace ProcoreAdmin.Tests.Integration.ProcoreClientAgainstSimulator;

/// <summary>QUALITY check 24 over real HTTP: rate limits, 503, malformed bodies and timeouts, on one shared fake clock.</summary>
public sealed class ResilienceTests
{
    private static readonly DateTimeOffset Window1End = TestTimeEpochPlus(10);
    private static readonly DateTimeOffset Window2End = TestTimeEpochPlus(20);

    private static DateTimeOffset TestTimeEpochPlus(int seconds) => ProcoreAdmin.Tests.ProcoreClient.TestTime.Epoch.AddSeconds(seconds);

    private static void ThreePerTenSeconds(SimulatorSeed seed) =>
        seed.RateLimits = new RateLimitSeed { Spike = 3, SpikeWindowSeconds = 10, Hourly = 100_000, HourlyWindowSeconds = 3600 };

    private static async Task CallSequentiallyAsync(SimulatedProcore p, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            await p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);
        }
    }

    [Fact]
    public async Task RateLimit_429WithReset_ClientWaitsUntilResetWithBoundedRequestCount()
    {
        // Pacing off, so the client really runs into the limiter's 429 (the epoch is aligned to the 10 s windows).
        await using var p = await SimulatedProcore.StartAsync(ThreePerTenSeconds, o => o.PaceOnRemainingZero = false);

        var waits = await p.Time.RunUntilCompleteAsync(CallSequentiallyAsync(p, 7));

        var api = p.ApiRequests;
        Assert.Equal([200, 200, 200, 429, 200, 200, 200, 429, 200], api.Select(r => r.StatusCode));
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)], waits);
        Assert.True(api[4].Timestamp >= Window1End, $"retried at {api[4].Timestamp:O}, before the reset");
        Assert.True(api[8].Timestamp >= Window2End, $"retried at {api[8].Timestamp:O}, before the reset");
        Assert.Equal(2, p.State.GetStats().Status429);
    }

    [Fact]
    public async Task RateLimit_RemainingZero_ClientPausesUntilResetAndEarnsNo429()
    {
        // No reserve: the client spends its window to the last request, then waits for it to roll.
        await using var p = await SimulatedProcore.StartAsync(ThreePerTenSeconds, o => o.RateLimitReserve = 0);

        var waits = await p.Time.RunUntilCompleteAsync(CallSequentiallyAsync(p, 7));

        var api = p.ApiRequests;
        Assert.Equal(7, api.Count);
        Assert.All(api, r => Assert.Equal(200, r.StatusCode));
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)], waits);
        Assert.True(api[3].Timestamp >= Window1End);
        Assert.True(api[6].Timestamp >= Window2End);
    }

    [Fact]
    public async Task ServiceUnavailable_503WithRetryAfter_WaitsStatedTimeThenSucceeds()
    {
        await using var p = await SimulatedProcore.StartAsync();
        p.State.SetFaults(new FaultConfiguration
        {
            Faults = [new FaultRule { Kind = FaultKind.ServiceUnavailable, Count = 2, RetryAfterSeconds = 3, PathPrefix = "/rest/" }],
        });

        var (me, waits) = await p.Time.RunUntilCompleteAsync(p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind));

        Assert.True(me.Id > 0);
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], waits);
        var api = p.ApiRequests;
        Assert.Equal([503, 503, 200], api.Select(r => r.StatusCode));
        Assert.True(api[1].Timestamp - api[0].Timestamp >= TimeSpan.FromSeconds(3));
        Assert.True(api[2].Timestamp - api[1].Timestamp >= TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task ServiceUnavailable_Persistent503_GivesUpAfterBoundedRetries()
    {
        await using var p = await SimulatedProcore.StartAsync();
        p.State.SetFaults(new FaultConfiguration
        {
            Faults = [new FaultRule { Kind = FaultKind.ServiceUnavailable, Rate = 1, RetryAfterSeconds = 1, PathPrefix = "/rest/" }],
        });

        var call = p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);
        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => p.Time.RunUntilCompleteAsync(call));

        Assert.Equal(ProcoreErrorKind.ServerError, ex.Kind);
        Assert.Equal(503, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Equal(1 + new ProcoreClientOptions().MaxTransientRetries, p.ApiRequests.Count);
    }

    [Fact]
    public async Task MalformedJson_CutOffBody_MalformedResponseWithoutRetry()
    {
        await using var p = await SimulatedProcore.StartAsync();
        p.State.SetFaults(new FaultConfiguration
        {
            Faults = [new FaultRule { Kind = FaultKind.MalformedJson, Count = 1, PathPrefix = "/rest/v1.1/projects" }],
        });

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() =>
            p.Client.GetProjectsPageAsync(p.Credential, SimulatedProcore.Northwind, new ProjectQuery()));
        var next = await p.Client.GetProjectsPageAsync(p.Credential, SimulatedProcore.Northwind, new ProjectQuery());

        Assert.Equal(ProcoreErrorKind.MalformedResponse, ex.Kind);
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal("GET rest/v1.1/projects", ex.Operation);
        Assert.Equal(100, next.Items.Count);
        Assert.Equal(["malformed_json", null], p.ApiRequests.Select(r => r.Fault));
    }

    [Fact]
    public async Task Timeout_LatencyLongerThanClientTimeout_TimeoutAfterOneBoundedRetry()
    {
        var clientTimeout = TimeSpan.FromSeconds(10);
        var latency = TimeSpan.FromSeconds(60);
        await using var p = await SimulatedProcore.StartAsync(client: o =>
        {
            o.RequestTimeout = clientTimeout;
            o.MaxTransientRetries = 1;
        });
        p.Time.IgnoredDueTime = clientTimeout;
        await p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind); // token cached; the faults hit the API call only
        p.State.SetFaults(new FaultConfiguration
        {
            Faults = [new FaultRule { Kind = FaultKind.Latency, LatencyMs = (int)latency.TotalMilliseconds, Count = 2, PathPrefix = "/rest/" }],
        });
        p.State.ClearRequests();

        var call = p.Client.GetMeAsync(p.Credential, SimulatedProcore.Northwind);
        var simulatorDelays = 0;
        while (true)
        {
            var next = p.Time.NextDelayAsync();
            if (await Task.WhenAny(call, next) == call)
            {
                break;
            }

            var due = await next;
            if (due == latency)
            {
                simulatorDelays++;
                p.Time.Advance(clientTimeout + TimeSpan.FromMilliseconds(1)); // the client gives up long before the simulator answers
            }
            else
            {
                p.Time.Advance(due); // the client's back-off before its one retry
            }
        }

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => call);
        Assert.Equal(ProcoreErrorKind.Timeout, ex.Kind);
        Assert.Null(ex.StatusCode);
        Assert.Contains("did not answer", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, simulatorDelays);
        // Both attempts reached the simulator and were abandoned by the client (logged as dropped once Kestrel sees it).
        await WaitUntilAsync(() => p.ApiRequests.Count == 2);
        Assert.All(p.ApiRequests, r => Assert.Equal(("latency", 0), (r.Fault, r.StatusCode)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }
}

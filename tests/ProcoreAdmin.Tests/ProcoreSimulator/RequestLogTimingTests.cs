namespace ProcoreAdmin.Tests.ProcoreSimulator;

/// <summary>
/// The request log and counters are written when the response starts, so a caller that has just received a response
/// always finds it there (benchmarks and tests read the log right after the client returns).
/// </summary>
public sealed class RequestLogTimingTests
{
    [Fact]
    public async Task RequestLog_ReadRightAfterEachResponse_AlreadyHoldsThatRequest()
    {
        await using var sim = await TestSimulator.StartAsync();
        var token = await sim.TokenAsync();

        for (var i = 0; i < 100; i++)
        {
            using var response = await sim.GetAsync($"rest/v1.1/projects?company_id={TestSimulator.Northwind}&page={i % 3 + 1}", token);
            await response.Content.ReadAsByteArrayAsync();
            var requestId = TestSimulator.Header(response, "X-Request-Id");

            var entry = Assert.Single(sim.State.GetRequests(), r => r.RequestId == requestId);
            Assert.Equal(200, entry.StatusCode);
            var stats = sim.State.GetStats();
            Assert.Equal(stats.Requests, stats.ByStatus.Values.Sum());
        }
    }

    [Fact]
    public async Task RequestLog_DroppedConnection_RecordedOnceWithStatusZero()
    {
        await using var sim = await TestSimulator.StartAsync();
        sim.State.SetFaults(new ProcoreAdmin.ProcoreSimulator.FaultConfiguration
        {
            Faults = [new ProcoreAdmin.ProcoreSimulator.FaultRule { Kind = ProcoreAdmin.ProcoreSimulator.FaultKind.DropConnection, Count = 1 }],
        });

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sim.GetAsync("rest/v1.0/me", token: null));
        using var next = await sim.GetAsync("rest/v1.0/me", token: null);

        Assert.Equal(401, (int)next.StatusCode);
        Assert.Equal([0, 401], sim.State.GetRequests().Select(r => r.StatusCode));
        Assert.Equal(2, sim.State.GetStats().Requests);
    }
}

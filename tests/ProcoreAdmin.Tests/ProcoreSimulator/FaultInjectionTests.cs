using System.Text.Json;
using ProcoreAdmin.ProcoreSimulator;
using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

public sealed class FaultInjectionTests
{
    private static FaultConfiguration One(FaultRule rule, int? seed = null) => new() { Seed = seed, Faults = [rule] };

    [Fact]
    public async Task Fault_ServiceUnavailable_Returns503WithRetryAfterAndHtml()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using (var put = await sim.PutJsonAsync("_simulator/faults", """{"faults":[{"kind":"service_unavailable","count":1,"retry_after_seconds":7,"path_prefix":"/rest/"}]}"""))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }

        using var response = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("7", Header(response, "Retry-After"));
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
        Assert.NotNull(Header(response, "X-Rate-Limit-Remaining"));
        using var next = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(200, (int)next.StatusCode);
    }

    [Fact]
    public async Task Fault_ServerError_Returns500WithHtmlBody()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.ServerError, Rate = 1 }));
        using var response = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(500, (int)response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("<html>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fault_OnTokenEndpoint_Returns500Html()
    {
        await using var sim = await StartAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.ServerError, Count = 1, PathPrefix = "/oauth/token" }));
        using var response = await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
        }));
        Assert.Equal(500, (int)response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Fault_TooManyRequests_Returns429WithZeroRemainingAndRetryAfter()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.TooManyRequests, Count = 1, RetryAfterSeconds = 2 }));
        using var response = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("0", Header(response, "X-Rate-Limit-Remaining"));
        Assert.Equal("2", Header(response, "Retry-After"));
        Assert.Equal((Start.ToUnixTimeSeconds() + 3).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "X-Rate-Limit-Reset"));
    }

    [Fact]
    public async Task Fault_MalformedJson_Returns200WithUnparseableJson()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.MalformedJson, Count = 1 }));
        using var response = await sim.GetAsync($"rest/v1.0/projects?company_id={Northwind}", token);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
    }

    [Fact]
    public async Task Fault_DropConnection_AbortsWithoutResponse()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.DropConnection, Count = 1 }));
        await Assert.ThrowsAsync<HttpRequestException>(() => sim.GetAsync("rest/v1.0/me", token));
        using var next = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(200, (int)next.StatusCode);
        var dropped = Assert.Single(sim.State.GetRequests(), r => r.Fault == "drop_connection");
        Assert.Equal(0, dropped.StatusCode);
    }

    [Fact]
    public async Task Fault_WithCount_FiresExactlyCountTimes()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.BadGateway, Count = 2 }));
        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await sim.GetAsync("rest/v1.0/me", token);
            statuses.Add((int)response.StatusCode);
        }

        Assert.Equal([502, 502, 200, 200, 200], statuses);
    }

    [Fact]
    public async Task Fault_WithEvery_FiresOnEveryNthMatchingRequest()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.TooManyRequests, Every = 3 }));
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await sim.GetAsync("rest/v1.0/me", token);
            statuses.Add((int)response.StatusCode);
        }

        Assert.Equal([200, 200, 429, 200, 200, 429], statuses);
    }

    [Fact]
    public async Task Fault_WithRate_IsRepeatableForTheSameSeedAndRoughlyProportional()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();

        async Task<List<int>> RunAsync()
        {
            sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.ServiceUnavailable, Rate = 0.3 }, seed: 1234));
            var statuses = new List<int>();
            for (var i = 0; i < 40; i++)
            {
                using var response = await sim.GetAsync("rest/v1.0/me", token);
                statuses.Add((int)response.StatusCode);
            }

            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();
        Assert.Equal(first, second);
        Assert.InRange(first.Count(s => s == 503), 4, 20);
        Assert.Equal(40, first.Count(s => s is 200 or 503));
    }

    [Fact]
    public async Task Fault_WithPathPrefix_LeavesOtherPathsAlone()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.ServerError, Rate = 1, PathPrefix = "/rest/v1.0/companies" }));
        using var me = await sim.GetAsync("rest/v1.0/me", token);
        using var companies = await sim.GetAsync("rest/v1.0/companies", token);
        Assert.Equal((200, 500), ((int)me.StatusCode, (int)companies.StatusCode));
    }

    [Fact]
    public async Task Fault_Latency_HoldsTheResponseUntilFakeTimeAdvances()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.Latency, LatencyMs = 2000, Count = 1 }));
        var pending = sim.GetAsync("rest/v1.0/me", token);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (sim.State.GetStats().FaultsInjected == 0)
        {
            await Task.Delay(5, deadline.Token);
        }

        var advancedMs = 0;
        while (!pending.IsCompleted)
        {
            deadline.Token.ThrowIfCancellationRequested();
            sim.Time.Advance(TimeSpan.FromMilliseconds(250));
            advancedMs += 250;
            await Task.WhenAny(pending, Task.Delay(20, deadline.Token));
        }

        using var response = await pending;
        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(advancedMs >= 2000, $"completed after only {advancedMs} ms of fake time");
    }

    [Fact]
    public async Task Faults_DeleteOverHttp_ClearsThem()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.State.SetFaults(One(new FaultRule { Kind = FaultKind.ServerError, Rate = 1 }));
        using (var delete = await sim.Http.DeleteAsync("_simulator/faults"))
        {
            Assert.Equal(204, (int)delete.StatusCode);
        }

        using var response = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Empty(sim.State.Faults.Faults);
    }

    [Fact]
    public async Task Faults_PutWithOutOfRangeRate_Returns400()
    {
        await using var sim = await StartAsync();
        using var response = await sim.PutJsonAsync("_simulator/faults", """{"faults":[{"kind":"server_error","rate":1.5}]}""");
        Assert.Equal(400, (int)response.StatusCode);
    }
}

using System.Globalization;
using ProcoreAdmin.ProcoreSimulator;
using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

public sealed class RateLimitTests
{
    private static long Unix(DateTimeOffset value) => value.ToUnixTimeSeconds();

    private static (int Limit, int Remaining, long Reset) Limits(HttpResponseMessage response) =>
        (int.Parse(Header(response, "X-Rate-Limit-Limit")!, CultureInfo.InvariantCulture),
         int.Parse(Header(response, "X-Rate-Limit-Remaining")!, CultureInfo.InvariantCulture),
         long.Parse(Header(response, "X-Rate-Limit-Reset")!, CultureInfo.InvariantCulture));

    [Fact]
    public async Task RateLimitHeaders_OnEveryResponse_IncludingTokenAnd4xxResponses()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 50, SpikeWindowSeconds = 10, Hourly = 1000, Windows = RateLimitWindows.Fixed });
        var responses = new List<HttpResponseMessage>
        {
            await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = sim.Secret,
            })),
            await sim.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "nope" })),
        };
        var token = (await JsonAsync(responses[0])).GetProperty("access_token").GetString();
        responses.Add(await sim.GetAsync("rest/v1.0/me", token));
        responses.Add(await sim.GetAsync("rest/v1.0/me", null));
        responses.Add(await sim.GetAsync("rest/v1.0/me", token, companyHeader: null));
        responses.Add(await sim.GetAsync("rest/v1.0/me", token, companyHeader: Fabrikam));
        responses.Add(await sim.GetAsync("rest/v1.0/projects/1?company_id=5000000001", token));
        responses.Add(await sim.GetAsync("nowhere", token));

        Assert.Equal([200, 400, 200, 401, 404, 403, 404, 404], responses.Select(r => (int)r.StatusCode));
        foreach (var response in responses)
        {
            var (limit, remaining, reset) = Limits(response);
            Assert.Equal(50, limit);
            Assert.InRange(remaining, 0, 49);
            Assert.Equal(Unix(new DateTimeOffset(2026, 1, 15, 12, 0, 10, TimeSpan.Zero)), reset);
            Assert.Equal(Start.ToString("R", CultureInfo.InvariantCulture), Header(response, "Date"));
            response.Dispose();
        }
    }

    [Fact]
    public async Task Spike_Exceeded_Returns429WithMessageHeadersAndRetryAfter()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 3, SpikeWindowSeconds = 10, Hourly = 1000, Windows = RateLimitWindows.Fixed });
        var token = await sim.TokenAsync();
        var remaining = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await sim.GetAsync("rest/v1.0/me", token);
            Assert.Equal(200, (int)ok.StatusCode);
            remaining.Add(Limits(ok).Remaining);
        }

        Assert.Equal([2, 1, 0], remaining);
        using var limited = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal("You have surpassed the max number of requests for an hour. Please wait until your limit resets.", await limited.Content.ReadAsStringAsync());
        var (limit, left, reset) = Limits(limited);
        Assert.Equal((3, 0), (limit, left));
        Assert.Equal(Unix(new DateTimeOffset(2026, 1, 15, 12, 0, 10, TimeSpan.Zero)), reset);
        Assert.Equal("10", Header(limited, "Retry-After"));
        Assert.Equal(1, sim.State.GetStats().RateLimited);
    }

    [Fact]
    public async Task Spike_AfterTheWindowResets_AllowsRequestsAgain()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 2, SpikeWindowSeconds = 10, Hourly = 1000, Windows = RateLimitWindows.Fixed });
        var token = await sim.TokenAsync();
        for (var i = 0; i < 2; i++)
        {
            (await sim.GetAsync("rest/v1.0/me", token)).Dispose();
        }

        using (var limited = await sim.GetAsync("rest/v1.0/me", token))
        {
            Assert.Equal(429, (int)limited.StatusCode);
        }

        sim.Time.Advance(TimeSpan.FromSeconds(9.5));
        using var again = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal(1, Limits(again).Remaining);
    }

    [Fact]
    public async Task FourXXResponses_CountAgainstTheLimit()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 3, SpikeWindowSeconds = 10, Hourly = 1000 });
        var token = await sim.TokenAsync();
        for (var i = 0; i < 3; i++)
        {
            using var notFound = await sim.GetAsync($"rest/v1.0/projects/1?company_id={Northwind}", token);
            Assert.Equal(404, (int)notFound.StatusCode);
        }

        using var limited = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(429, (int)limited.StatusCode);
    }

    [Fact]
    public async Task HourlyWindow_TimeScaled_ReportsItselfWhenClosestToRunningOutAnd429sWhenExhausted()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Hourly = 8, HourlyWindowSeconds = 60, Spike = 5, SpikeWindowSeconds = 1, Windows = RateLimitWindows.Fixed });
        var token = await sim.TokenAsync();
        using (var first = await sim.GetAsync("rest/v1.0/me", token))
        {
            Assert.Equal((5, 4), (Limits(first).Limit, Limits(first).Remaining)); // spike 4 left < hourly 7 left
        }

        for (var i = 0; i < 4; i++)
        {
            (await sim.GetAsync("rest/v1.0/me", token)).Dispose();
        }

        sim.Time.Advance(TimeSpan.FromSeconds(1));
        using (var sixth = await sim.GetAsync("rest/v1.0/me", token))
        {
            var (limit, remaining, reset) = Limits(sixth);
            Assert.Equal((8, 2), (limit, remaining)); // hourly 2 left < spike 4 left
            Assert.Equal(Unix(new DateTimeOffset(2026, 1, 15, 12, 1, 0, TimeSpan.Zero)), reset);
        }

        (await sim.GetAsync("rest/v1.0/me", token)).Dispose();
        (await sim.GetAsync("rest/v1.0/me", token)).Dispose();
        using var limited = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(429, (int)limited.StatusCode);
        Assert.True(Limits(limited).Reset - sim.Time.GetUtcNow().ToUnixTimeSeconds() > 10);
    }

    [Fact]
    public async Task Limits_TokenScope_AreKeptPerTokenAndCompany()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 2, SpikeWindowSeconds = 10, Hourly = 1000, Scope = RateLimitScope.Token });
        var token = await sim.TokenAsync();
        (await sim.GetAsync("rest/v1.0/me", token, Northwind)).Dispose();
        (await sim.GetAsync("rest/v1.0/me", token, Northwind)).Dispose();
        using (var northwind = await sim.GetAsync("rest/v1.0/me", token, Northwind))
        {
            Assert.Equal(429, (int)northwind.StatusCode);
        }

        using var contoso = await sim.GetAsync("rest/v1.0/me", token, Contoso);
        Assert.Equal(200, (int)contoso.StatusCode);
    }

    [Fact]
    public async Task Limits_WhenDisabled_NeverReturn429AndSendNoRateLimitHeaders()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Enabled = false, Spike = 1, Hourly = 1 });
        var token = await sim.TokenAsync();
        for (var i = 0; i < 5; i++)
        {
            using var response = await sim.GetAsync("rest/v1.0/me", token);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Null(Header(response, "X-Rate-Limit-Limit"));
        }
    }

    [Fact]
    public async Task Reset_ClearsRateLimitWindows()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 1, SpikeWindowSeconds = 10, Hourly = 1000 });
        var token = await sim.TokenAsync();
        (await sim.GetAsync("rest/v1.0/me", token)).Dispose();
        using (var limited = await sim.GetAsync("rest/v1.0/me", token))
        {
            Assert.Equal(429, (int)limited.StatusCode);
        }

        using (var reset = await sim.Http.PostAsync("_simulator/reset", null))
        {
            Assert.Equal(204, (int)reset.StatusCode);
        }

        // The token endpoint's own window (1 request per 10 s for this client) was used up before the reset:
        // minting again in the same fake second only works because the reset cleared the windows.
        var fresh = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.0/me", fresh);
        Assert.Equal(200, (int)response.StatusCode);
    }
}

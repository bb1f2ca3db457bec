using System.Globalization;
using ProcoreAdmin.ProcoreSimulator;
using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

/// <summary>The quota is the app's (shared by every caller and token), windows roll, and other callers can spend it.</summary>
public sealed class SharedQuotaTests
{
    private static (int Limit, int Remaining, long Reset) Limits(HttpResponseMessage response) =>
        (int.Parse(Header(response, "X-Rate-Limit-Limit")!, CultureInfo.InvariantCulture),
         int.Parse(Header(response, "X-Rate-Limit-Remaining")!, CultureInfo.InvariantCulture),
         long.Parse(Header(response, "X-Rate-Limit-Reset")!, CultureInfo.InvariantCulture));

    private static async Task<int> StatusAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task Limits_ByDefault_AreSharedByEveryTokenAndCompanyOfTheApp()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 2, SpikeWindowSeconds = 10, Hourly = 1000 });
        var first = await sim.TokenAsync();
        var second = await sim.TokenAsync();
        sim.Time.Advance(TimeSpan.FromSeconds(11)); // the token endpoint has a bucket of its own; let it roll over

        Assert.Equal(200, await StatusAsync(sim.GetAsync("rest/v1.0/me", first, Northwind)));
        Assert.Equal(200, await StatusAsync(sim.GetAsync("rest/v1.0/me", second, Contoso)));

        // A new token or another company does not restore the quota.
        var third = await sim.TokenAsync();
        Assert.Equal(429, await StatusAsync(sim.GetAsync("rest/v1.0/me", third, Northwind)));
        Assert.Equal(429, await StatusAsync(sim.GetAsync("rest/v1.0/me", first, Contoso)));
    }

    [Fact]
    public async Task Limits_AppCompanyScope_AreSharedByTokensButKeptPerCompany()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 1, SpikeWindowSeconds = 10, Hourly = 1000, Scope = RateLimitScope.AppCompany });
        var first = await sim.TokenAsync();
        sim.Time.Advance(TimeSpan.FromSeconds(11)); // one token request per 10 s on the token endpoint's own bucket
        var second = await sim.TokenAsync();

        Assert.Equal(200, await StatusAsync(sim.GetAsync("rest/v1.0/me", first, Northwind)));
        Assert.Equal(429, await StatusAsync(sim.GetAsync("rest/v1.0/me", second, Northwind)));
        Assert.Equal(200, await StatusAsync(sim.GetAsync("rest/v1.0/me", second, Contoso)));
    }

    [Fact]
    public async Task RollingSpikeWindow_QuotaReturnsOneRequestAtATimeAsOldRequestsAgeOut()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 2, SpikeWindowSeconds = 10, Hourly = 1000 });
        var token = await sim.TokenAsync();
        (await sim.GetAsync("rest/v1.0/me", token)).Dispose();              // t = 0
        sim.Time.Advance(TimeSpan.FromSeconds(5));
        using (var second = await sim.GetAsync("rest/v1.0/me", token))     // t = 5
        {
            var (limit, remaining, reset) = Limits(second);
            Assert.Equal((2, 0), (limit, remaining));
            // The first request leaves the window 10 s after it was counted (12:00:00.5 → 12:00:10.5, rounded up).
            Assert.Equal(new DateTimeOffset(2026, 1, 15, 12, 0, 11, TimeSpan.Zero).ToUnixTimeSeconds(), reset);
        }

        // A fixed, epoch-aligned window would have reset at 12:00:10; a rolling one has not.
        sim.Time.Advance(TimeSpan.FromSeconds(4.6));                         // t = 9.6 (12:00:10.1)
        Assert.Equal(429, await StatusAsync(sim.GetAsync("rest/v1.0/me", token)));

        sim.Time.Advance(TimeSpan.FromSeconds(0.5));                         // t = 10.1: only the first has aged out
        Assert.Equal(200, await StatusAsync(sim.GetAsync("rest/v1.0/me", token)));
        Assert.Equal(429, await StatusAsync(sim.GetAsync("rest/v1.0/me", token)));
    }

    [Fact]
    public async Task RateLimitHeaders_DescribeTheHourlyWindow_WhenItIsCloserToBeingHit()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 5, SpikeWindowSeconds = 10, Hourly = 6, HourlyWindowSeconds = 3600 });
        var token = await sim.TokenAsync();
        for (var i = 0; i < 3; i++)
        {
            sim.Time.Advance(TimeSpan.FromSeconds(20));
            (await sim.GetAsync("rest/v1.0/me", token)).Dispose();
        }

        sim.Time.Advance(TimeSpan.FromSeconds(20));
        using var response = await sim.GetAsync("rest/v1.0/me", token);
        var (limit, remaining, reset) = Limits(response);
        Assert.Equal((6, 2), (limit, remaining));                             // spike would say 4 left
        Assert.True(reset - sim.Time.GetUtcNow().ToUnixTimeSeconds() > 10);
    }

    [Fact]
    public async Task BackgroundLoad_PutOverHttp_SpendsFromTheSameAppBucket()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new() { Spike = 20, SpikeWindowSeconds = 10, Hourly = 1000 });
        var token = await sim.TokenAsync();
        using (var put = await sim.PutJsonAsync("_simulator/load", $$"""{ "client_id": "{{ClientId}}", "requests_per_second": 1 }"""))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }

        sim.Time.Advance(TimeSpan.FromSeconds(9.5));                         // the other caller sent at 0, 1, …, 9 s
        using (var response = await sim.GetAsync("rest/v1.0/me", token))
        {
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(20 - 10 - 1, Limits(response).Remaining);
        }

        using var status = await sim.Http.GetAsync("_simulator/load");
        var load = Assert.Single((await JsonAsync(status)).EnumerateArray());
        Assert.Equal(10, load.GetProperty("sent").GetInt64());

        // Stopping it: after a full window only our own requests count.
        (await sim.PutJsonAsync("_simulator/load", $$"""{ "client_id": "{{ClientId}}", "requests_per_second": 0 }""")).Dispose();
        sim.Time.Advance(TimeSpan.FromSeconds(10));
        using var later = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(19, Limits(later).Remaining);
    }

    [Fact]
    public async Task BackgroundLoad_FromTheSeed_CanDrainTheSpikeWindowSoThatWeGet429()
    {
        await using var sim = await StartAsync(seed =>
        {
            seed.RateLimits = new() { Spike = 5, SpikeWindowSeconds = 10, Hourly = 1000 };
            seed.BackgroundLoad = [new BackgroundLoadSeed { ClientId = ClientId, RequestsPerSecond = 1 }];
        });
        var token = await sim.TokenAsync();
        sim.Time.Advance(TimeSpan.FromSeconds(4.5));                         // 5 background requests: 0 … 4 s
        Assert.Equal(429, await StatusAsync(sim.GetAsync("rest/v1.0/me", token)));
        Assert.True(sim.State.GetBackgroundLoad().Single().Sent == 5);
    }

    [Fact]
    public async Task BackgroundLoad_ForAnUnknownApp_Returns400()
    {
        await using var sim = await StartAsync();
        using var put = await sim.PutJsonAsync("_simulator/load", """{ "client_id": "nobody", "requests_per_second": 1 }""");
        Assert.Equal(400, (int)put.StatusCode);
    }

    [Fact]
    public async Task MonthlySandbox_AcceptsTheProductionCredentials_WithTokensOfItsOwn()
    {
        await using var sim = await StartAsync();
        var monthly = await sim.TokenAsync(ClientId, sim.Secret, "_env/monthly_sandbox/");
        var production = await sim.TokenAsync();

        Assert.Equal(200, await StatusAsync(sim.GetAsync("_env/monthly_sandbox/rest/v1.0/me", monthly)));
        Assert.Equal(401, await StatusAsync(sim.GetAsync("rest/v1.0/me", monthly)));
        Assert.Equal(401, await StatusAsync(sim.GetAsync("_env/monthly_sandbox/rest/v1.0/me", production)));
    }

    [Fact]
    public async Task MonthlySandbox_RefusesDeveloperSandboxCredentials_WhichKeepWorkingInTheirOwnSandbox()
    {
        await using var sim = await StartAsync();
        using var refused = await sim.Http.PostAsync("_env/monthly_sandbox/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = SandboxClientId, ["client_secret"] = sim.SandboxSecret,
        }));
        Assert.Equal(401, (int)refused.StatusCode);
        var sandbox = await sim.TokenAsync(SandboxClientId, sim.SandboxSecret, "_env/developer_sandbox/");
        Assert.Equal(200, await StatusAsync(sim.GetAsync("_env/developer_sandbox/rest/v1.0/me", sandbox)));
    }

    [Fact]
    public async Task MonthlySandbox_AfterAProductionSecretReset_SwitchesToTheNewSecretAfterTheConfiguredDelay()
    {
        await using var sim = await StartAsync(seed => seed.MonthlySandbox = new MonthlySandboxSeed { SecretSyncDelaySeconds = 60 });
        var oldMonthlyToken = await sim.TokenAsync(ClientId, sim.Secret, "_env/monthly_sandbox/");
        var newSecret = sim.State.ResetSecret(ClientId);

        // Production switched at once; the monthly sandbox still runs on the old secret for 60 s.
        Assert.Equal(401, await TokenStatusAsync(sim, "", sim.Secret));
        Assert.Equal(200, await TokenStatusAsync(sim, "", newSecret));
        Assert.Equal(200, await TokenStatusAsync(sim, "_env/monthly_sandbox/", sim.Secret));
        Assert.Equal(401, await TokenStatusAsync(sim, "_env/monthly_sandbox/", newSecret));
        Assert.Equal(200, await StatusAsync(sim.GetAsync("_env/monthly_sandbox/rest/v1.0/me", oldMonthlyToken)));

        sim.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(401, await TokenStatusAsync(sim, "_env/monthly_sandbox/", sim.Secret));
        Assert.Equal(200, await TokenStatusAsync(sim, "_env/monthly_sandbox/", newSecret));
        Assert.Equal(401, await StatusAsync(sim.GetAsync("_env/monthly_sandbox/rest/v1.0/me", oldMonthlyToken)));
    }

    [Fact]
    public async Task MonthlySandbox_WithSyncOnRefreshOnly_FollowsTheResetAtTheExplicitRefresh()
    {
        await using var sim = await StartAsync(seed => seed.MonthlySandbox = new MonthlySandboxSeed { SecretSyncDelaySeconds = -1 });
        var newSecret = sim.State.ResetSecret(ClientId);
        sim.Time.Advance(TimeSpan.FromDays(10));
        Assert.Equal(200, await TokenStatusAsync(sim, "_env/monthly_sandbox/", sim.Secret));

        using (var refresh = await sim.Http.PostAsync("_simulator/monthly_sandbox/refresh", null))
        {
            Assert.Equal(204, (int)refresh.StatusCode);
        }

        Assert.Equal(401, await TokenStatusAsync(sim, "_env/monthly_sandbox/", sim.Secret));
        Assert.Equal(200, await TokenStatusAsync(sim, "_env/monthly_sandbox/", newSecret));
    }

    private static async Task<int> TokenStatusAsync(TestSimulator sim, string prefix, string secret)
    {
        using var response = await sim.Http.PostAsync(prefix + "oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = secret,
        }));
        return (int)response.StatusCode;
    }
}

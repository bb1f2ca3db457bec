using System.Text.Json;
using ProcoreAdmin.ProcoreSimulator;
using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

public sealed class ControlTests
{
    [Fact]
    public async Task RequestLog_RecordsMethodPathQueryCompanyHeaderStatusAndTokenFlag()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        sim.Time.Advance(TimeSpan.FromSeconds(3));
        (await sim.GetAsync($"rest/v1.0/projects?company_id={Northwind}&page=2", token)).Dispose();
        (await sim.GetAsync("rest/v1.0/me", token, companyHeader: null)).Dispose();

        using var response = await sim.Http.GetAsync("_simulator/requests");
        var entries = (await JsonAsync(response)).EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);

        Assert.Equal("POST", entries[0].GetProperty("method").GetString());
        Assert.Equal("/oauth/token", entries[0].GetProperty("path").GetString());
        Assert.True(entries[0].GetProperty("is_token_request").GetBoolean());
        Assert.Equal(200, entries[0].GetProperty("status_code").GetInt32());
        Assert.Equal(Start, entries[0].GetProperty("timestamp").GetDateTimeOffset());

        Assert.Equal("/rest/v1.0/projects", entries[1].GetProperty("path").GetString());
        Assert.Equal("?company_id=5000000001&page=2", entries[1].GetProperty("query").GetString());
        Assert.True(entries[1].GetProperty("has_company_header").GetBoolean());
        Assert.False(entries[1].GetProperty("is_token_request").GetBoolean());
        Assert.Equal(Start.AddSeconds(3), entries[1].GetProperty("timestamp").GetDateTimeOffset());

        Assert.False(entries[2].GetProperty("has_company_header").GetBoolean());
        Assert.Equal(404, entries[2].GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task RequestLog_NeverContainsSecretsOrTokens()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        (await sim.Http.GetAsync($"oauth/token/info?access_token={token}")).Dispose();
        (await sim.Http.PostAsync($"oauth/revoke?token={token}&client_secret={sim.Secret}", null)).Dispose();
        (await sim.GetAsync("rest/v1.0/me", token)).Dispose();
        sim.State.SetFaults(new FaultConfiguration { Faults = [new FaultRule { Kind = FaultKind.ServerError, Count = 1 }] });
        (await sim.GetAsync("rest/v1.0/me", token)).Dispose();

        using var log = await sim.Http.GetAsync("_simulator/requests");
        var text = await log.Content.ReadAsStringAsync();
        Assert.Equal(5, JsonDocument.Parse(text).RootElement.GetArrayLength());
        Assert.DoesNotContain(sim.Secret, text);
        Assert.DoesNotContain(token, text);
        Assert.Contains("[redacted]", text);
        using var faults = await sim.Http.GetAsync("_simulator/faults");
        Assert.DoesNotContain(sim.Secret, await faults.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequestLog_DeleteClearsIt()
    {
        await using var sim = await StartAsync();
        await sim.TokenAsync();
        using (var delete = await sim.Http.DeleteAsync("_simulator/requests"))
        {
            Assert.Equal(204, (int)delete.StatusCode);
        }

        Assert.Empty(sim.State.GetRequests());
    }

    [Fact]
    public async Task Stats_CountRequestsTokenRequests429sAndConnections()
    {
        await using var sim = await StartAsync(seed => seed.RateLimits = new RateLimitSeed { Spike = 2, Hourly = 100 });
        var token = await sim.TokenAsync();
        for (var i = 0; i < 3; i++)
        {
            (await sim.GetAsync("rest/v1.0/me", token)).Dispose();
        }

        using (var separate = new HttpClient { BaseAddress = sim.Host.BaseAddress })
        {
            (await separate.GetAsync("rest/v1.0/me")).Dispose();
        }

        using var response = await sim.Http.GetAsync("_simulator/stats");
        var stats = await JsonAsync(response);
        Assert.Equal(5, stats.GetProperty("requests").GetInt64());
        Assert.Equal(1, stats.GetProperty("token_requests").GetInt64());
        Assert.Equal(1, stats.GetProperty("status_429").GetInt64());
        Assert.Equal(1, stats.GetProperty("rate_limited").GetInt64());
        Assert.Equal(1, stats.GetProperty("status_401").GetInt64());
        Assert.Equal(2, stats.GetProperty("connections_accepted").GetInt64());
    }

    [Fact]
    public async Task Reset_RestoresSeedSecretAndForgetsTokens()
    {
        await using var sim = await StartAsync();
        var oldToken = await sim.TokenAsync();
        var rotated = sim.State.ResetSecret(ClientId);
        var rotatedToken = await sim.TokenAsync(secret: rotated);

        using (var reset = await sim.Http.PostAsync("_simulator/reset", null))
        {
            Assert.Equal(204, (int)reset.StatusCode);
        }

        using (var afterReset = await sim.GetAsync("rest/v1.0/me", rotatedToken))
        {
            Assert.Equal(401, (int)afterReset.StatusCode);
        }

        var restored = await sim.TokenAsync(secret: sim.Secret);
        using (var withSeedSecret = await sim.GetAsync("rest/v1.0/me", restored))
        {
            Assert.Equal(200, (int)withSeedSecret.StatusCode);
        }

        using (var beforeReset = await sim.GetAsync("rest/v1.0/me", oldToken))
        {
            Assert.Equal(401, (int)beforeReset.StatusCode);
        }

        Assert.Equal(1, sim.State.GetStats().TokenRequests);
    }

    [Fact]
    public async Task Config_PutOverHttp_ChangesCompanyHeaderPolicy()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using (var put = await sim.PutJsonAsync("_simulator/config", """{"company_header":{"missing_status":400,"lenient":false}}"""))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }

        using var response = await sim.GetAsync("rest/v1.0/me", token, companyHeader: null);
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task EveryResponse_CarriesAUniqueRequestIdAndTheFakeDate()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        var responses = new[]
        {
            await sim.GetAsync("rest/v1.0/me", token),
            await sim.GetAsync("rest/v1.0/me", null),
            await sim.GetAsync("nowhere", token),
            await sim.Http.GetAsync("_simulator/stats"),
        };
        var ids = responses.Select(r => Header(r, "X-Request-Id")).ToList();
        Assert.All(ids, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(responses, r => Assert.Equal(Start.ToString("R", System.Globalization.CultureInfo.InvariantCulture), Header(r, "Date")));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("production")]
    public async Task StartAsync_InProduction_ThrowsInvalidOperationException(string environment)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SimulatorHost.StartAsync(new SimulatorHostOptions
        {
            Url = "http://127.0.0.1:0",
            EnvironmentName = environment,
        }));
        Assert.Contains("Production", error.Message);
    }

    [Fact]
    public async Task StartAsync_WithSeedPath_ServesThatSeed()
    {
        var secret = "TESTSECRET-" + Guid.NewGuid().ToString("N");
        var path = Path.Combine(Path.GetTempPath(), $"sim-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "token_lifetime_seconds": 120,
              "rate_limits": { "hourly": 600, "hourly_window_seconds": 60, "spike": 25, "spike_window_seconds": 1 },
              "companies": [ { "id": 6000000001, "name": "File Co", "projects": [ { "id": 8000000001, "name": "From File", "active": true } ] } ],
              "apps": [ { "name": "File App", "client_id": "file-client", "client_secret": "{{secret}}",
                          "installations": [ { "company_id": 6000000001 } ] } ]
            }
            """);
        try
        {
            await using var host = await SimulatorHost.StartAsync(new SimulatorHostOptions { Url = "http://127.0.0.1:0", SeedPath = path });
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            using var tokenResponse = await http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = "file-client", ["client_secret"] = secret,
            }));
            var json = await JsonAsync(tokenResponse);
            Assert.Equal(120, json.GetProperty("expires_in").GetInt32());
            Assert.Equal("25", Header(tokenResponse, "X-Rate-Limit-Limit"));
            using var request = new HttpRequestMessage(HttpMethod.Get, "rest/v1.0/projects?company_id=6000000001");
            request.Headers.Authorization = new("Bearer", json.GetProperty("access_token").GetString());
            request.Headers.Add("Procore-Company-Id", "6000000001");
            using var projects = await http.SendAsync(request);
            Assert.Equal(new long[] { 8000000001L }, Ids(await JsonAsync(projects)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task StartAsync_WithInconsistentSeed_ThrowsWithClearMessage()
    {
        var seed = new SimulatorSeed
        {
            Apps = [new AppSeed { Name = "x", ClientId = "x", ClientSecret = "y", Installations = [new InstallationSeed { CompanyId = 42 }] }],
        };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SimulatorHost.StartAsync(new SimulatorHostOptions { Url = "http://127.0.0.1:0", Seed = seed }));
        Assert.Contains("unknown company 42", error.Message);
    }

    [Fact]
    public void SeedParse_WithUnknownProperty_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SimulatorSeed.Parse("""{ "companys": [] }"""));
        Assert.Contains("companys", error.Message);
    }
}

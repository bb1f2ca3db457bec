using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Tests.Web.Hosting;
using ProcoreAdmin.Web.Features.TokenBroker;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.TokenBroker;

[Collection(AppCollection.Name)]
public sealed class TokenBrokerEndpointTests : IDisposable
{
    private readonly BrokerHarness _app = new(new Dictionary<string, string?> { ["TokenBroker:Burst"] = "200", ["TokenBroker:PermitsPerMinute"] = "200" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task ProcoreTokens_GrantedClient_GetsTokenBaseUrlAndCompany_NoStore_AuditedByFingerprint_NeverTheSecret()
    {
        var jwt = await _app.MachineTokenAsync();
        using var response = await _app.RequestTokenAsync(jwt, BrokerHarness.NorthwindId);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(body);
        var token = json.RootElement.GetProperty("access_token").GetString()!;
        var tokenId = json.RootElement.GetProperty("token_id").GetString()!;
        Assert.Equal(BrokerHarness.NorthwindId, json.RootElement.GetProperty("procore_company_id").GetInt64());
        Assert.Equal(_app.Simulator.BaseAddress.AbsoluteUri, json.RootElement.GetProperty("api_base_url").GetString());
        Assert.Equal("Procore-Company-Id", json.RootElement.GetProperty("company_header").GetString());
        Assert.InRange(json.RootElement.GetProperty("expires_in").GetInt64(), 5000, 5400);
        Assert.DoesNotContain(BrokerHarness.DemoSecret, body);

        // The token works at Procore with the company header.
        using var procore = new HttpClient { BaseAddress = _app.Simulator.BaseAddress };
        using var call = new HttpRequestMessage(HttpMethod.Get, $"rest/v1.0/projects?company_id={BrokerHarness.Northwind}&per_page=1");
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        call.Headers.Add("Procore-Company-Id", BrokerHarness.Northwind);
        using var projects = await procore.SendAsync(call);
        Assert.Equal(HttpStatusCode.OK, projects.StatusCode);

        await using var db = await _app.Db.CreateDbContextAsync();
        var issued = await db.AuditEvents.Where(a => a.Action == ProcoreTokenBroker.IssuedAction).ToListAsync();
        var row = Assert.Single(issued);
        Assert.Equal("procoreadmin-dev-integration", row.ActorSubject);
        Assert.Contains(tokenId, row.Detail);
        Assert.DoesNotContain(token, row.Detail);
        Assert.Equal(1, await db.BrokerIssuanceDays.SumAsync(d => d.Count));
        Assert.NotNull((await db.BrokerGrants.SingleAsync()).LastIssuedUtc);

        var logs = _app.AllLogText();
        Assert.DoesNotContain(token, logs);
        Assert.DoesNotContain(jwt, logs);
        Assert.DoesNotContain(BrokerHarness.DemoSecret, logs);
        Assert.DoesNotContain(BrokerHarness.DemoSecret, string.Join('\n', await db.AuditEvents.Select(a => a.Detail ?? "").ToListAsync()));
    }

    [Fact]
    public async Task ProcoreTokens_TwentyConcurrentConsumers_CauseOneProcoreTokenRequest()
    {
        var jwt = await _app.MachineTokenAsync();
        var before = _app.Simulator.State.GetStats().TokenRequests;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _app.RequestTokenAsync(jwt, BrokerHarness.NorthwindId)));
        var tokens = new HashSet<string>();
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            using var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
            tokens.Add(json.RootElement.GetProperty("access_token").GetString()!);
            r.Dispose();
        }

        Assert.Single(tokens);
        Assert.Equal(1, _app.Simulator.State.GetStats().TokenRequests - before);
    }

    [Fact]
    public async Task ProcoreTokens_ClientGrantedCompanyA_IsRefusedForCompanyB_403_AndAudited()
    {
        var grantId = await OnlyNorthwindGrantAsync();
        var jwt = await _app.MachineTokenAsync();

        using var a = await _app.RequestTokenAsync(jwt, BrokerHarness.NorthwindId);
        using var b = await _app.RequestTokenAsync(jwt, BrokerHarness.ContosoId);

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, b.StatusCode);
        Assert.Equal("no-store", b.Headers.CacheControl?.ToString());
        Assert.DoesNotContain("access_token", await b.Content.ReadAsStringAsync());
        await using var db = await _app.Db.CreateDbContextAsync();
        var refused = await db.AuditEvents.SingleAsync(e => e.Action == ProcoreTokenBroker.RefusedAction);
        Assert.Equal("denied", refused.Outcome);
        Assert.Contains(BrokerHarness.ContosoId.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Detail);
        Assert.True(grantId > 0);
    }

    [Fact]
    public async Task Revocation_TakesEffectOnTheNextRequest_AndIsAudited()
    {
        var grantId = await OnlyNorthwindGrantAsync();
        var jwt = await _app.MachineTokenAsync();
        using (var before = await _app.RequestTokenAsync(jwt, BrokerHarness.NorthwindId))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await _app.AsAdminAsync<BrokerGrantService, bool>(async s => { await s.RevokeAsync(grantId); return true; });

        using var after = await _app.RequestTokenAsync(jwt, BrokerHarness.NorthwindId);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        await using var db = await _app.Db.CreateDbContextAsync();
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.Action == "broker.revoke"));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "broker.grant" && e.ActorName == "Test Admin"));
    }

    [Fact]
    public async Task ExpiredGrant_IsRefused()
    {
        var expires = DateTime.UtcNow.AddMinutes(5);
        var grantId = await OnlyNorthwindGrantAsync(expires);
        await using (var db = await _app.Db.CreateDbContextAsync())
        {
            // Move the expiry into the past (the service refuses to create an already expired grant).
            await db.BrokerGrants.Where(g => g.Id == grantId).ExecuteUpdateAsync(s => s.SetProperty(g => g.ExpiresUtc, DateTime.UtcNow.AddMinutes(-1)));
        }

        using var response = await _app.RequestTokenAsync(await _app.MachineTokenAsync(), BrokerHarness.NorthwindId);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GrantService_Viewer_CannotGrant_AndCompaniesMustBeInstalled()
    {
        var errors = await _app.AsAdminAsync<BrokerGrantService, Dictionary<string, string>>(s =>
            s.GrantAsync(1, "some-client", "Some consumer", [5000000003], null));
        Assert.Contains("Companies", errors.Keys);

        await using var scope = _app.Services.CreateAsyncScope();
        var state = (Microsoft.AspNetCore.Components.Authorization.IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider
            .GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>();
        state.SetAuthenticationState(Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(
            new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim(StaffRoles.ClaimType, StaffRoles.Viewer)], "test", "name", StaffRoles.ClaimType)))));
        var service = scope.ServiceProvider.GetRequiredService<BrokerGrantService>();
        await Assert.ThrowsAsync<StaffForbiddenException>(() => service.GrantAsync(1, "some-client", "Some consumer", [BrokerHarness.NorthwindId], null));
        Assert.Single(await service.ListAsync(1));
    }

    [Fact]
    public async Task ProcoreTokens_PerClientRateLimit_Answers429WithRetryAfter()
    {
        using var limited = new BrokerHarness(new Dictionary<string, string?> { ["TokenBroker:Burst"] = "2", ["TokenBroker:PermitsPerMinute"] = "1" });
        var jwt = await limited.MachineTokenAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var r = await limited.RequestTokenAsync(jwt, BrokerHarness.NorthwindId);
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(r.Headers.RetryAfter);
                Assert.Equal("no-store", r.Headers.CacheControl?.ToString());
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task CredentialStatus_ReportsGrantedCredentialsAndRotationState()
    {
        using var response = await _app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/credential-status")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", await _app.MachineTokenAsync()) },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var item = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("active", item.GetProperty("status").GetString());
        Assert.Equal("none", item.GetProperty("rotation").GetString());
        Assert.True(item.GetProperty("serving_tokens").GetBoolean());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheTokenEndpoint_AndItsBearerScheme()
    {
        using var response = await _app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json").As(StaffRoles.Viewer));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/v1/procore-tokens", body);
        Assert.Contains("/api/v1/credential-status", body);
        Assert.Contains("\"bearer\"", body);
        Assert.Contains("procore_company_id", body);
        Assert.DoesNotContain("/companies\"", body); // pages are not part of the API document
    }

    [Fact]
    public async Task RotationBetweenResetAndPromote_HoldsRequestsForTheConfiguredWaitOnly_Then503WithRetryAfter()
    {
        using var app = new BrokerHarness(new Dictionary<string, string?> { ["TokenBroker:RotationWait"] = "00:00:01.5", ["TokenBroker:RotationPollInterval"] = "00:00:00.1" });
        var jwt = await app.MachineTokenAsync();
        var run = await app.AsAdminAsync<ProcoreAdmin.Web.Features.Rotation.RotationService, long>(r => r.StartAsync(1, "test"));
        await app.AsAdminAsync<ProcoreAdmin.Web.Features.Rotation.RotationService, bool>(async r =>
        {
            await r.PrepareAsync(run, null);
            await r.RehearseAsync(run, null, "none");
            await r.PauseSchedulesAsync(run);
            await r.SetPendingSecretAsync(run, "TESTSECRET-" + Guid.NewGuid().ToString("N"), null);
            return true;
        });

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await app.RequestTokenAsync(jwt, BrokerHarness.NorthwindId);
        watch.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync());
    }

    private async Task<long> OnlyNorthwindGrantAsync(DateTime? expiresUtc = null)
    {
        // Replace the development seed grant (both companies) by one for Northwind only.
        await using (var db = await _app.Db.CreateDbContextAsync())
        {
            var seeded = await db.BrokerGrants.SingleAsync();
            await _app.AsAdminAsync<BrokerGrantService, bool>(async s => { await s.RevokeAsync(seeded.Id); return true; });
        }

        var errors = await _app.AsAdminAsync<BrokerGrantService, Dictionary<string, string>>(s =>
            s.GrantAsync(1, "procoreadmin-dev-integration", "Billing sync", [BrokerHarness.NorthwindId], expiresUtc));
        Assert.Empty(errors);
        await using var check = await _app.Db.CreateDbContextAsync();
        return await check.BrokerGrants.Where(g => g.RevokedUtc == null).Select(g => g.Id).SingleAsync();
    }
}

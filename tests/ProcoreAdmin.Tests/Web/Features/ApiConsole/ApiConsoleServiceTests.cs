using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Web.Features.Projects;
using ProcoreAdmin.Web.Features.ApiConsole;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.ApiConsole;

/// <summary>The console service against the simulator: MPR header rule, known errors, history, audit, roles, redaction.</summary>
public sealed class ApiConsoleServiceTests : IAsyncLifetime
{
    private ProcoreFeatureHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ProcoreFeatureHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private ApiConsoleService Service(string role, string secret = FakeCredentialDirectory.DemoSecret)
    {
        var services = new ServiceCollection();
        _harness.AddServices(services, role, secret);
        return services.BuildServiceProvider().CreateScope().ServiceProvider.GetRequiredService<ApiConsoleService>();
    }

    private static ConsoleRequest Call(ConsoleEndpoint endpoint, bool header = true, long company = FakeCredentialDirectory.Northwind) =>
        new(FakeCredentialDirectory.Demo.CredentialId, company, endpoint, header);

    [Theory]
    [InlineData(ConsoleEndpoint.Me)]
    [InlineData(ConsoleEndpoint.Companies)]
    [InlineData(ConsoleEndpoint.Projects)]
    [InlineData(ConsoleEndpoint.CompanyUsers)]
    [InlineData(ConsoleEndpoint.Offices)]
    public async Task Run_AllowListedCallWithHeader_Returns200WithRateLimitAndRequestId(ConsoleEndpoint endpoint)
    {
        var result = await Service(StaffRoles.Operator).RunAsync(Call(endpoint));

        Assert.True(result.Succeeded, result.Explanation);
        Assert.Equal(200, result.Response!.StatusCode);
        Assert.True(result.Response.CompanyHeaderSent);
        Assert.NotNull(result.RequestId);
        Assert.NotNull(result.RateLimit?.Limit);
        Assert.Equal("5000000001", Assert.Single(_harness.ApiRequests()).CompanyHeader);
    }

    [Theory]
    [InlineData(ConsoleEndpoint.Me)]
    [InlineData(ConsoleEndpoint.Companies)]
    public async Task Run_WithoutCompanyHeader_ExplainsTheMprRule(ConsoleEndpoint endpoint)
    {
        var result = await Service(StaffRoles.Operator).RunAsync(Call(endpoint, header: false));

        Assert.Equal(404, result.Response!.StatusCode);
        Assert.False(result.Response.CompanyHeaderSent);
        Assert.Equal(ProcoreErrorKind.MissingCompanyHeader, result.ErrorKind);
        Assert.Contains("Procore-Company-Id", result.Explanation, StringComparison.Ordinal);
        Assert.False(Assert.Single(_harness.ApiRequests()).HasCompanyHeader);
    }

    [Fact]
    public async Task Run_InCompanyWithoutTheApp_ExplainsAppNotConnected()
    {
        var result = await Service(StaffRoles.Operator).RunAsync(Call(ConsoleEndpoint.Me, company: FakeCredentialDirectory.Fabrikam));

        Assert.Equal(403, result.Response!.StatusCode);
        Assert.Equal(ProcoreErrorKind.AppNotConnected, result.ErrorKind);
        Assert.Contains("App is not connected", result.ProcoreMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithWrongSecret_ExplainsInvalidClientAndSendsNoApiCall()
    {
        var result = await Service(StaffRoles.Operator, secret: "TESTSECRET-" + Guid.NewGuid()).RunAsync(Call(ConsoleEndpoint.Me));

        Assert.Null(result.Response);
        Assert.Equal(ProcoreErrorKind.InvalidClient, result.ErrorKind);
        Assert.Contains("client secret", result.Explanation, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_harness.ApiRequests());
    }

    [Fact]
    public async Task Run_WhenProcoreAnswers429_ShowsTheAnswerAndExplainsRateLimit()
    {
        _harness.Simulator.State.SetFaults(new FaultConfiguration { Faults = [new FaultRule { Kind = FaultKind.TooManyRequests, Count = 1, PathPrefix = "/rest/" }] });

        var result = await Service(StaffRoles.Operator).RunAsync(Call(ConsoleEndpoint.Me));

        Assert.Equal(429, result.Response!.StatusCode);
        Assert.Equal(ProcoreErrorKind.RateLimited, result.ErrorKind);
        Assert.Equal(0, result.RateLimit?.Remaining);
        Assert.Contains(result.Response.ResponseHeaders, h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Run_AsViewer_IsForbiddenAndNothingIsSentOrRecorded()
    {
        var service = Service(StaffRoles.Viewer);

        await Assert.ThrowsAsync<StaffForbiddenException>(() => service.RunAsync(Call(ConsoleEndpoint.Me)));

        Assert.Empty(_harness.Simulator.State.GetRequests());
        await using var db = _harness.Database.CreateDbContext();
        Assert.Equal(0, await db.ApiConsoleCalls.CountAsync());
        Assert.Empty(await service.RecentHistoryAsync(onlyMine: false)); // viewers may read the history
    }

    [Fact]
    public async Task Run_RecordsHistoryAndOneAuditRow_WithoutTokenOrSecret()
    {
        var service = Service(StaffRoles.Operator);

        await service.RunAsync(Call(ConsoleEndpoint.Me));
        await service.RunAsync(Call(ConsoleEndpoint.Companies, header: false));

        var history = await service.RecentHistoryAsync(onlyMine: true);
        Assert.Equal(2, history.Count);
        Assert.Equal("/rest/v1.0/companies", history[0].Path);
        Assert.Equal(404, history[0].StatusCode);
        Assert.False(history[0].CompanyHeaderSent);
        Assert.Equal(200, history[1].StatusCode);
        Assert.Equal(FakeCredentialDirectory.Northwind, history[1].ProcoreCompanyId);

        await using var db = _harness.Database.CreateDbContext();
        var audit = await db.AuditEvents.Where(a => a.Action == "apiconsole.call").ToListAsync();
        Assert.Equal(2, audit.Count);
        Assert.Equal(["failed", "succeeded"], audit.Select(a => a.Outcome).Order());
        var stored = string.Join("\n", (await db.ApiConsoleCalls.ToListAsync()).Select(c => $"{c.Path} {c.ErrorKind} {c.RequestId}"))
                     + string.Join("\n", audit.Select(a => a.Detail));
        Assert.DoesNotContain(FakeCredentialDirectory.DemoSecret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curl_HasRealUrlAndCompanyHeader_ButOnlyPlaceholdersForTokenAndSecret()
    {
        var result = await Service(StaffRoles.Operator).RunAsync(Call(ConsoleEndpoint.Companies));

        Assert.Contains(new Uri(_harness.Simulator.BaseAddress, "rest/v1.0/companies").AbsoluteUri, result.Curl, StringComparison.Ordinal);
        Assert.Contains("Procore-Company-Id: 5000000001", result.Curl, StringComparison.Ordinal);
        Assert.Contains("$PROCORE_TOKEN", result.Curl, StringComparison.Ordinal);
        Assert.Contains("$CLIENT_ID", result.Curl, StringComparison.Ordinal);
        Assert.Contains("$CLIENT_SECRET", result.Curl, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeCredentialDirectory.DemoSecret, result.Curl, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeCredentialDirectory.DemoClientId, result.Curl, StringComparison.Ordinal);
        // The request headers the client reports carry the token only as a redacted value.
        var authorization = result.Response!.RequestHeaders.Single(h => h.Key == "Authorization").Value;
        Assert.DoesNotContain(authorization, result.Curl, StringComparison.Ordinal);
    }
}

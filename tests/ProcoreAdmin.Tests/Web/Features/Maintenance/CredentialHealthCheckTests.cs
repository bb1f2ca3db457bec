using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Maintenance;

namespace ProcoreAdmin.Tests.Web.Features.Maintenance;

public sealed class CredentialHealthCheckTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task HealthCheck_RecordsOkAndFailing_RaisesOneDistinctAlertPerDay_AndSkipsRotatingAndRetired()
    {
        var registry = new FakeCredentialRegistry(_time);
        registry.Add(new FakeCredential { Id = 1, Current = "TESTSECRET-a", ProcoreSecret = "TESTSECRET-a" });
        registry.Add(new FakeCredential { Id = 2, Label = "Broken", Current = "TESTSECRET-b", ProcoreSecret = "TESTSECRET-reset-elsewhere" });
        registry.Add(new FakeCredential { Id = 3, Status = CredentialStatus.Rotating });
        registry.Add(new FakeCredential { Id = 4, Status = CredentialStatus.Retired });
        await using var g = AppGraph.Create(_db, _time, registry);

        var summary = await g.InScopeAsync<CheckCredentialHealthJob, string>(j => j.RunAsync(CancellationToken.None));
        await g.InScopeAsync<CheckCredentialHealthJob, string>(j => j.RunAsync(CancellationToken.None));

        Assert.Equal("Checked 2 credential set(s): 1 ok, 1 failing, 2 skipped.", summary);
        var latest = await CheckCredentialHealthJob.LatestAsync(g.Db, CancellationToken.None);
        Assert.Equal([(1L, true), (2L, false)], latest.OrderBy(h => h.CredentialId).Select(h => (h.CredentialId, h.Ok)));
        await using var db = _db.CreateDbContext();
        var alert = await db.Notifications.SingleAsync();
        Assert.Equal(("health-failing", 2L), (alert.Kind, alert.CredentialId));
        Assert.Equal("Broken: Failing", alert.Title);
        Assert.Contains("Invalid client", alert.Body);
        Assert.DoesNotContain("TESTSECRET", alert.Body);
    }

    [Fact]
    public async Task HealthCheck_StopsForACredentialWhoseRateLimitBudgetIsSpent()
    {
        var registry = new FakeCredentialRegistry(_time);
        registry.Add(new FakeCredential { Id = 1, Current = "TESTSECRET-a", ProcoreSecret = "TESTSECRET-a" });
        await using var g = AppGraph.Create(_db, _time, registry);
        g.Procore.Snapshots["1:Current"] = new RateLimitSnapshot(3600, 5, _time.GetUtcNow().AddMinutes(30), _time.GetUtcNow(), 5000000001);

        var summary = await g.InScopeAsync<CheckCredentialHealthJob, string>(j => j.RunAsync(CancellationToken.None));

        Assert.Equal("Checked 0 credential set(s): 0 ok, 0 failing, 1 skipped.", summary);
        Assert.Equal(0, registry.Decryptions);
    }
}

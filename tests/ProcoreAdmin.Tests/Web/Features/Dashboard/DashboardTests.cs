using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Dashboard;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Dashboard;

public sealed class DashboardTests
{
    [Fact]
    public async Task Dashboard_FailingAndRetiredSets_CountedByHealthAndRetiredNotListedAsFailing()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        using var database = await TestDatabase.CreateAsync();
        var registry = new FakeCredentialRegistry(time);
        var recent = new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        registry.Add(new FakeCredential { Id = 1, Label = "Good", LastCheckOutcome = "Ok", LastVerifiedRotationUtc = recent });
        registry.Add(new FakeCredential { Id = 2, Label = "Wrong secret", LastCheckOutcome = "InvalidClient", LastVerifiedRotationUtc = recent });
        registry.Add(new FakeCredential { Id = 3, Label = "Old app", Status = CredentialStatus.Retired, LastCheckOutcome = "InvalidClient", LastVerifiedRotationUtc = recent });
        await using var graph = AppGraph.Create(database, time, registry, StaffRoles.Viewer);
        await using (var db = database.CreateDbContext())
        {
            foreach (var id in new long[] { 2, 3 })
            {
                db.CredentialHealthChecks.Add(new CredentialHealthCheck { CredentialId = id, CheckedUtc = time.GetUtcNow().UtcDateTime, Ok = false, Outcome = "InvalidClient" });
            }

            await db.SaveChangesAsync();
        }

        await using var scope = graph.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var dashboard = new DashboardService(time, sp.GetRequiredService<CurrentStaff>(), registry, sp.GetRequiredService<RotationService>(),
            sp.GetRequiredService<MaintenanceService>(), sp.GetRequiredService<NotificationService>());

        var view = await dashboard.LoadAsync();

        Assert.Equal(
            [(CredentialHealth.Healthy, 1), (CredentialHealth.Failing, 1), (CredentialHealth.Retired, 1)],
            view.ByHealth);
        var failing = Assert.Single(view.Failing);
        Assert.Equal(2, failing.CredentialId);
    }
}

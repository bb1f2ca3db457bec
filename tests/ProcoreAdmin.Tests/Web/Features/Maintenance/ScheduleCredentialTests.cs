using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Maintenance;

/// <summary>A schedule tied to the credential it uses: listed on the credential, paused by its rotation.</summary>
public sealed class ScheduleCredentialTests
{
    [Fact]
    public async Task TyingAScheduleToACredential_ListsItOnTheCredential_AndTheRotationPausesIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        using var database = await TestDatabase.CreateAsync();
        var registry = new FakeCredentialRegistry(time);
        registry.Add(new FakeCredential { Id = 1, Current = "TESTSECRET-a", ProcoreSecret = "TESTSECRET-a" });
        await using var graph = AppGraph.Create(database, time, registry);
        await graph.StartAsync();
        var schedule = (await graph.InScopeAsync<MaintenanceService, IReadOnlyList<ScheduleView>>(m => m.ListSchedulesAsync()))
            .First(s => s.Kind == MaintenanceJobKinds.CredentialHealthCheck);

        await graph.InScopeAsync<MaintenanceService>(m => m.SetScheduleCredentialAsync(schedule.Id, 1));

        var consumer = Assert.Single(await graph.Services.GetRequiredService<ICredentialConsumers>().ListAsync(1));
        Assert.Equal(schedule.Id, consumer.ScheduleId);
        var run = await graph.InScopeAsync<RotationService, long>(r => r.StartAsync(1, "quarterly"));
        await graph.InScopeAsync<RotationService>(r => r.PrepareAsync(run, null));
        await graph.InScopeAsync<RotationService>(r => r.RehearseAsync(run, null, "no sandbox"));
        await graph.InScopeAsync<RotationService>(r => r.PauseSchedulesAsync(run));

        var step = (await graph.InScopeAsync<RotationService, RotationRunView?>(r => r.GetRunAsync(run)))!.Step(RotationSteps.PauseSchedules);
        Assert.Equal(RotationStepState.Done, step.State);
        await using var db = database.CreateDbContext();
        Assert.True((await db.MaintenanceSchedules.SingleAsync(s => s.Id == schedule.Id)).Paused);
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.Action == "maintenance.schedule.credential"));
    }

    [Fact]
    public async Task TyingASchedule_AsOperator_IsRefused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        using var database = await TestDatabase.CreateAsync();
        var registry = new FakeCredentialRegistry(time);
        registry.Add(new FakeCredential { Id = 1 });
        await using var graph = AppGraph.Create(database, time, registry, StaffRoles.Operator);
        await graph.StartAsync();
        var schedule = (await graph.InScopeAsync<MaintenanceService, IReadOnlyList<ScheduleView>>(m => m.ListSchedulesAsync())).First();

        await Assert.ThrowsAsync<StaffForbiddenException>(() => graph.InScopeAsync<MaintenanceService>(m => m.SetScheduleCredentialAsync(schedule.Id, 1)));
    }
}

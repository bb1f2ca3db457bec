using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Maintenance;

public sealed class MaintenanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private AppGraph Graph(string role = StaffRoles.Admin, IDictionary<string, string?>? settings = null) =>
        AppGraph.Create(_db, _time, new FakeCredentialRegistry(_time), role, settings);

    private static async Task<ScheduleView> Schedule(AppGraph g, string kind) =>
        (await g.InScopeAsync<MaintenanceService, IReadOnlyList<ScheduleView>>(s => s.ListSchedulesAsync())).Single(s => s.Kind == kind);

    [Fact]
    public async Task Startup_SeedsOneScheduleRowPerJobKind_AndRegistersEachWithHangfire()
    {
        await using var g = Graph(settings: new Dictionary<string, string?> { ["Maintenance:HousekeepingCron"] = "5 4 * * *" });
        await g.StartAsync();

        var schedules = await g.InScopeAsync<MaintenanceService, IReadOnlyList<ScheduleView>>(s => s.ListSchedulesAsync());
        Assert.Equal(
            [MaintenanceJobKinds.AuditChainVerify, MaintenanceJobKinds.CredentialHealthCheck, MaintenanceJobKinds.DeliverNotifications, MaintenanceJobKinds.Housekeeping, MaintenanceJobKinds.ReprotectSecrets, MaintenanceJobKinds.RotationReminderScan, MaintenanceJobKinds.TokenCacheHousekeeping],
            schedules.Select(s => s.Kind).Order());
        Assert.Equal("5 4 * * *", schedules.Single(s => s.Kind == MaintenanceJobKinds.Housekeeping).Cron);
        Assert.All(schedules, s => Assert.True(g.Recurring.Jobs.ContainsKey(ScheduleRegistrar.RecurringJobId(s.Kind))));
        var job = g.Recurring.Jobs[ScheduleRegistrar.RecurringJobId(schedules[0].Kind)].Job;
        Assert.Equal(typeof(ScheduledJobRunner), job.Type);
        Assert.Equal(schedules[0].Id, job.Args[0]); // ids only
    }

    [Fact]
    public async Task Restart_KeepsEditedSchedulesPausesAndHistory()
    {
        long id;
        await using (var first = Graph())
        {
            await first.StartAsync();
            id = (await Schedule(first, MaintenanceJobKinds.RotationReminderScan)).Id;
            await first.InScopeAsync<MaintenanceService>(s => s.UpdateScheduleAsync(id, "15 6 * * 1-5", "Europe/Berlin"));
            var housekeeping = (await Schedule(first, MaintenanceJobKinds.Housekeeping)).Id;
            await first.InScopeAsync<MaintenanceService>(s => s.PauseAsync(housekeeping));
            await first.Services.GetRequiredService<ScheduledJobRunner>().RunAsync(id, "schedule", CancellationToken.None);
        }

        await using var second = Graph();
        await second.StartAsync();
        var scan = await Schedule(second, MaintenanceJobKinds.RotationReminderScan);
        Assert.Equal(("15 6 * * 1-5", "Europe/Berlin"), (scan.Cron, scan.TimeZoneId));
        Assert.Equal("15 6 * * 1-5", second.Recurring.Jobs[ScheduleRegistrar.RecurringJobId(MaintenanceJobKinds.RotationReminderScan)].Cron);
        Assert.Equal("Europe/Berlin", second.Recurring.Jobs[ScheduleRegistrar.RecurringJobId(MaintenanceJobKinds.RotationReminderScan)].Zone.Id);
        var housekeepingAfter = await Schedule(second, MaintenanceJobKinds.Housekeeping);
        Assert.True(housekeepingAfter.Paused);
        Assert.False(second.Recurring.Jobs.ContainsKey(ScheduleRegistrar.RecurringJobId(housekeepingAfter.Kind)));
        Assert.Equal(JobRunOutcome.Succeeded, scan.LastRun?.Outcome);
    }

    [Fact]
    public async Task UpdateSchedule_AsAdmin_TakesEffectInHangfireWithoutRestart_AndIsAudited()
    {
        await using var g = Graph();
        await g.StartAsync();
        var s = await Schedule(g, MaintenanceJobKinds.CredentialHealthCheck);

        await g.InScopeAsync<MaintenanceService>(m => m.UpdateScheduleAsync(s.Id, "0 2 * * *", "America/New_York"));

        var registered = g.Recurring.Jobs[ScheduleRegistrar.RecurringJobId(s.Kind)];
        Assert.Equal(("0 2 * * *", "America/New_York"), (registered.Cron, registered.Zone.Id));
        await using var db = _db.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.Action == "maintenance.schedule.update" && a.TargetId == s.Id.ToString()));
    }

    [Theory]
    [InlineData("not a cron", "UTC")]
    [InlineData("61 * * * *", "UTC")]
    [InlineData("0 6 * * *", "Mars/Olympus_Mons")]
    public async Task UpdateSchedule_Invalid_IsRejectedWithAMessage_AndNothingChanges(string cron, string zone)
    {
        await using var g = Graph();
        await g.StartAsync();
        var s = await Schedule(g, MaintenanceJobKinds.CredentialHealthCheck);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => g.InScopeAsync<MaintenanceService>(m => m.UpdateScheduleAsync(s.Id, cron, zone)));

        Assert.Contains("e.g.", ex.Message);
        Assert.Equal(s.Cron, (await Schedule(g, MaintenanceJobKinds.CredentialHealthCheck)).Cron);
    }

    [Fact]
    public async Task UpdateSchedule_AsOperator_IsForbidden()
    {
        await using var g = Graph(StaffRoles.Operator);
        await g.StartAsync();
        var s = await Schedule(g, MaintenanceJobKinds.CredentialHealthCheck);
        await Assert.ThrowsAsync<StaffForbiddenException>(() => g.InScopeAsync<MaintenanceService>(m => m.UpdateScheduleAsync(s.Id, "0 1 * * *", "UTC")));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => g.InScopeAsync<MaintenanceService>(m => m.PauseAsync(s.Id)));
    }

    [Fact]
    public async Task Preview_ShowsNextFiveOccurrencesInTheScheduleZone_AcrossTheDstChange()
    {
        var march = new FakeTimeProvider(new DateTimeOffset(2026, 3, 6, 12, 0, 0, TimeSpan.Zero));
        await using var g = AppGraph.Create(_db, march, new FakeCredentialRegistry(march));
        var preview = g.Services.GetRequiredService<MaintenanceSchedules>().Preview("30 1 * * *", "America/New_York");

        Assert.True(preview.IsValid);
        // 01:30 local: EST (UTC-5) until 8 March 2026, EDT (UTC-4) after.
        Assert.Equal(
            [new DateTime(2026, 3, 7, 6, 30, 0), new DateTime(2026, 3, 8, 6, 30, 0), new DateTime(2026, 3, 9, 5, 30, 0), new DateTime(2026, 3, 10, 5, 30, 0), new DateTime(2026, 3, 11, 5, 30, 0)],
            preview.NextUtc);
    }

    [Fact]
    public async Task PauseAndResume_RemoveAndRestoreTheHangfireJob_AndAPausedOccurrenceIsRecordedAsSkipped()
    {
        await using var g = Graph();
        await g.StartAsync();
        var s = await Schedule(g, MaintenanceJobKinds.Housekeeping);
        var jobId = ScheduleRegistrar.RecurringJobId(s.Kind);

        await g.InScopeAsync<MaintenanceService>(m => m.PauseAsync(s.Id));
        Assert.False(g.Recurring.Jobs.ContainsKey(jobId));
        await g.Services.GetRequiredService<ScheduledJobRunner>().RunAsync(s.Id, "schedule", CancellationToken.None);
        Assert.Equal(JobRunOutcome.Skipped, (await Schedule(g, MaintenanceJobKinds.Housekeeping)).LastRun?.Outcome);

        await g.InScopeAsync<MaintenanceService>(m => m.ResumeAsync(s.Id));
        Assert.True(g.Recurring.Jobs.ContainsKey(jobId));
        var after = await Schedule(g, MaintenanceJobKinds.Housekeeping);
        Assert.False(after.Paused);
        Assert.NotNull(after.NextRunUtc);
    }

    [Fact]
    public async Task RunNow_AsViewer_IsForbiddenAndQueuesNothing()
    {
        await using var g = Graph(StaffRoles.Viewer);
        await g.StartAsync();
        var s = await Schedule(g, MaintenanceJobKinds.Housekeeping);
        await Assert.ThrowsAsync<StaffForbiddenException>(() => g.InScopeAsync<MaintenanceService>(m => m.RunNowAsync(s.Id)));
        Assert.Empty(g.Jobs.Created);
    }

    [Fact]
    public async Task RunNow_AsOperator_QueuesTheRunnerWithIdsAndALabelOnly_AndTheRunLandsInTheScheduleHistory()
    {
        await using var g = Graph(StaffRoles.Operator);
        await g.StartAsync();
        var s = await Schedule(g, MaintenanceJobKinds.Housekeeping);

        var trigger = await g.InScopeAsync<MaintenanceService, string>(m => m.RunNowAsync(s.Id));

        var job = Assert.Single(g.Jobs.Created);
        Assert.Equal(typeof(ScheduledJobRunner), job.Type);
        Assert.Equal([s.Id, trigger], job.Args.Take(2));
        Assert.Matches("^manual:Test Staff:[0-9a-f]{8}$", trigger);
        Assert.Equal("Run now by Test Staff", JobTriggerText.For(trigger)); // plain words on screen, not the label
        await g.Services.GetRequiredService<ScheduledJobRunner>().RunAsync(s.Id, trigger, CancellationToken.None);
        var history = await g.InScopeAsync<MaintenanceService, IReadOnlyList<JobRunView>>(m => m.ScheduleHistoryAsync(s.Id));
        Assert.Equal(trigger, Assert.Single(history).Trigger);
    }

    [Theory]
    [InlineData("schedule", "On schedule")]
    [InlineData("manual:Ada Admin:93b6cb2b", "Run now by Ada Admin")]
    [InlineData("manual:dev-admin:93b6cb2b", "Run now by dev-admin")]
    public void TriggerText_ShowsPlainWords_NotTheStoredLabel(string trigger, string expected) =>
        Assert.Equal(expected, JobTriggerText.For(trigger));

    [Fact]
    public async Task Runner_ForAKindWithoutAnInstalledJob_RecordsAClearFailure()
    {
        await using var g = Graph();
        await g.StartAsync();
        long id;
        await using (var db = _db.CreateDbContext())
        {
            var row = new MaintenanceSchedule { Kind = "retired-kind", Title = "A job kind this build no longer has", Cron = "0 3 * * 0", TimeZoneId = "UTC" };
            db.MaintenanceSchedules.Add(row);
            await db.SaveChangesAsync();
            id = row.Id;
        }

        await Assert.ThrowsAsync<MaintenanceJobException>(() => g.Services.GetRequiredService<ScheduledJobRunner>().RunAsync(id, "manual:x", CancellationToken.None));
        await using var check = _db.CreateDbContext();
        var run = await check.JobRuns.SingleAsync(r => r.ScheduleId == id);
        Assert.Equal(JobRunOutcome.Failed, run.Outcome);
        Assert.Contains("retired-kind", run.Summary);
    }

    [Fact]
    public async Task PruneJobHistory_RemovesRunsOlderThanRetention()
    {
        await using (var db = _db.CreateDbContext())
        {
            db.JobRuns.AddRange(
                new JobRun { JobKind = "old", StartedUtc = Now.UtcDateTime.AddDays(-91), FinishedUtc = Now.UtcDateTime.AddDays(-91), Outcome = JobRunOutcome.Succeeded },
                new JobRun { JobKind = "recent", StartedUtc = Now.UtcDateTime.AddDays(-89), FinishedUtc = Now.UtcDateTime.AddDays(-89), Outcome = JobRunOutcome.Succeeded });
            await db.SaveChangesAsync();
        }

        await using var g = Graph();
        var summary = await g.Services.GetRequiredService<PruneJobHistoryJob>().RunAsync(CancellationToken.None);

        await using var check = _db.CreateDbContext();
        Assert.Equal(["recent"], await check.JobRuns.Select(r => r.JobKind).ToListAsync());
        Assert.StartsWith("Removed 1 job run(s)", summary);
    }

    [Fact]
    public async Task Recorder_WhenTheJobThrows_RecordsFailureWithoutTheMessage()
    {
        var recorder = new JobRunRecorder(_db, _time, NullLogger<JobRunRecorder>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            recorder.RunAsync("boom", "test", _ => throw new InvalidOperationException("secret-ish detail"), CancellationToken.None));

        await using var db = _db.CreateDbContext();
        var run = await db.JobRuns.SingleAsync();
        Assert.Equal(JobRunOutcome.Failed, run.Outcome);
        Assert.Equal("Failed: InvalidOperationException", run.Summary);
    }

    [Fact]
    public async Task ReadSchedules_WhenAnonymous_IsForbidden()
    {
        await using var g = Graph(role: "none");
        await Assert.ThrowsAsync<StaffForbiddenException>(() => g.InScopeAsync<MaintenanceService, IReadOnlyList<ScheduleView>>(m => m.ListSchedulesAsync()));
    }
}

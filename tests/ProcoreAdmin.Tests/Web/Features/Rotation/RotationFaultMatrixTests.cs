using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>
/// The rotation fault matrix (Procore failure while verifying, database failure while promoting, process killed after the
/// promotion committed, process killed mid-verification, cancel after the reset) run on SQLite and on PostgreSQL: the engine
/// is provider-neutral, so the same faults must end in the same states on both. After every fault the invariant holds:
/// exactly one current secret, and it is the one Procore accepts — or the credential is marked Down.
/// </summary>
public sealed class RotationFaultMatrixTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public Task FaultMatrix_OnSqlite_EveryFaultKeepsTheInvariant_AndTheRunRecovers() =>
        EachDatabase.OnSqliteAsync(RunMatrixAsync);

    [PostgresFact]
    public Task FaultMatrix_OnPostgres_EveryFaultKeepsTheInvariant_AndTheRunRecovers() =>
        EachDatabase.OnPostgresAsync(RunMatrixAsync);

    [Fact]
    public async Task Cancel_TheSaveFails_NothingIsHalfDone_AndACancelAfterwardsCompletes()
    {
        using var database = await TestDatabase.CreateAsync();
        var options = new DatabaseOptions { ConnectionString = $"Data Source={database.File}" };
        var registry = new FakeCredentialRegistry(_time);
        await using var graph = AppGraph.Create(options, database.Folder, _time, registry);
        await graph.StartAsync();
        var (run, schedule) = await new Scenario(graph, registry, database, options, database.Folder, _time).PasteNewSecretAsync(1);
        await using var failing = AppGraph.Create(options, database.Folder, _time, registry,
            configureDatabase: o => o.AddInterceptors(new FailSaveWithAuditAction("rotation.cancel")));

        await Assert.ThrowsAsync<DbUpdateException>(() => failing.InScopeAsync<RotationService>(r => r.CancelAsync(run, "changed our mind")));

        // One unit of work: the schedules stay paused, the run stays active, and no audit row claims a resume or a cancel.
        await using (var context = database.CreateDbContext())
        {
            Assert.True((await context.MaintenanceSchedules.SingleAsync(s => s.Id == schedule)).Paused);
            Assert.Equal(RotationRunState.Active, (await context.RotationRuns.SingleAsync(r => r.Id == run)).State);
            Assert.False(await context.AuditEvents.AnyAsync(a => a.Action == "maintenance.schedule.resume" || a.Action == "rotation.cancel"));
        }

        await graph.InScopeAsync<RotationService>(r => r.CancelAsync(run, "changed our mind"));
        await using var after = database.CreateDbContext();
        Assert.False((await after.MaintenanceSchedules.SingleAsync(s => s.Id == schedule)).Paused);
        Assert.Equal(RotationRunState.Cancelled, (await after.RotationRuns.SingleAsync(r => r.Id == run)).State);
    }

    private sealed class FailSaveWithAuditAction(string action) : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
            Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
            CancellationToken cancellationToken = default) =>
            eventData.Context!.ChangeTracker.Entries<ProcoreAdmin.Data.Audit.AuditEvent>().Any(e => e.Entity.Action == action)
                ? throw new DbUpdateException("injected: the save failed")
                : ValueTask.FromResult(result);
    }

    private async Task RunMatrixAsync(DatabaseOptions options, string folder, IDbContextFactory<AppDbContext> db)
    {
        var registry = new FakeCredentialRegistry(_time);
        await using var graph = AppGraph.Create(options, folder, _time, registry);
        await graph.StartAsync();
        var scenario = new Scenario(graph, registry, db, options, folder, _time);

        await scenario.ProcoreErrorWhileVerifyingAsync(credentialId: 1);
        await scenario.DatabaseFailureWhilePromotingAsync(credentialId: 2);
        await scenario.ProcessKilledAfterThePromotionCommittedAsync(credentialId: 3);
        await scenario.ProcessKilledMidVerificationAsync(credentialId: 4);
        await scenario.CancelAfterTheResetAsync(credentialId: 5);

        // Every step and every change wrote its audit row; no run is left active.
        await using var context = await db.CreateDbContextAsync();
        Assert.False(await context.RotationRuns.AnyAsync(r => r.ActiveCredentialId != null));
        Assert.True(await context.AuditEvents.CountAsync(a => a.Action.StartsWith("rotation.")) >= 5 * 5);
    }

    private sealed class Scenario(AppGraph graph, FakeCredentialRegistry registry, IDbContextFactory<AppDbContext> db, DatabaseOptions options, string folder, FakeTimeProvider time)
    {
        private readonly Dictionary<long, (string Old, string New)> _secrets = [];

        private Task<T> Rotation<T>(Func<RotationService, Task<T>> action) => graph.InScopeAsync(action);

        private Task Rotation(Func<RotationService, Task> action) => graph.InScopeAsync(action);

        private FakeCredential Credential(long id) => registry.Credentials[id];

        private void AssertInvariant(long id)
        {
            var c = Credential(id);
            Assert.NotNull(c.Current);
            Assert.True(c.Current == c.ProcoreSecret || c.Status == CredentialStatus.Down, $"credential {id}: current secret does not work and the status is {c.Status}");
        }

        public async Task<(long Run, long Schedule)> PasteNewSecretAsync(long id)
        {
            var (old, @new) = ($"TESTSECRET-{Guid.NewGuid()}", $"TESTSECRET-{Guid.NewGuid()}");
            _secrets[id] = (old, @new);
            registry.Add(new FakeCredential { Id = id, Current = old, ProcoreSecret = old, LastVerifiedRotationUtc = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc) });
            await using (var context = await db.CreateDbContextAsync())
            {
                context.MaintenanceSchedules.Add(new MaintenanceSchedule { Kind = $"projects-sync:{id}", Title = $"Sync projects of credential {id}", Cron = "0 * * * *", TimeZoneId = "UTC", CredentialId = id });
                await context.SaveChangesAsync();
            }

            var run = await Rotation(r => r.StartAsync(id, "fault matrix"));
            await Rotation(r => r.PrepareAsync(run, "owners told"));
            await Rotation(r => r.RehearseAsync(run, null, "no sandbox"));
            await Rotation(r => r.PauseSchedulesAsync(run));
            Credential(id).ProcoreSecret = @new; // "Reset Client Secret" in the portal: the old secret dies at once.
            await Rotation(r => r.SetPendingSecretAsync(run, @new, null));
            await using var read = await db.CreateDbContextAsync();
            var schedule = await read.MaintenanceSchedules.SingleAsync(s => s.CredentialId == id);
            Assert.True(schedule.Paused);
            return (run, schedule.Id);
        }

        private async Task<RotationStepState> StepStateAsync(long run, int step) => (await Rotation(r => r.GetRunAsync(run)))!.Step(step).State;

        public async Task ProcoreErrorWhileVerifyingAsync(long credentialId)
        {
            var (run, _) = await PasteNewSecretAsync(credentialId);
            registry.VerifyFault = (id, slot) => new VerificationResult(id, slot, VerificationOutcome.Unreachable, "Procore answered 503.", time.GetUtcNow().UtcDateTime, [], [], []);

            Assert.Equal(VerificationOutcome.Unreachable, (await Rotation(r => r.VerifyAsync(run))).Outcome);
            Assert.Equal(RotationStepState.Failed, await StepStateAsync(run, RotationSteps.Verify));
            AssertInvariant(credentialId);
            await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.PromoteAsync(run)));

            registry.VerifyFault = null;
            Assert.Equal(VerificationOutcome.Ok, (await Rotation(r => r.VerifyAsync(run))).Outcome);
            await Rotation(r => r.PromoteAsync(run));
            await Rotation(r => r.CompleteAsync(run, null));
            Assert.Equal((_secrets[credentialId].New, CredentialStatus.Active), (Credential(credentialId).Current, Credential(credentialId).Status));
        }

        public async Task DatabaseFailureWhilePromotingAsync(long credentialId)
        {
            var (run, _) = await PasteNewSecretAsync(credentialId);
            await Rotation(r => r.VerifyAsync(run));
            registry.PromoteFailure = new DbUpdateException("disk I/O error");

            await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.PromoteAsync(run)));
            Assert.Equal((_secrets[credentialId].Old, _secrets[credentialId].New, CredentialStatus.Down),
                (Credential(credentialId).Current, Credential(credentialId).Pending, Credential(credentialId).Status));
            Assert.Equal(RotationStepState.Failed, await StepStateAsync(run, RotationSteps.Promote));
            AssertInvariant(credentialId);

            registry.PromoteFailure = null;
            await Rotation(r => r.PromoteAsync(run));
            await Rotation(r => r.CompleteAsync(run, null));
            Assert.Equal((_secrets[credentialId].New, CredentialStatus.Active), (Credential(credentialId).Current, Credential(credentialId).Status));
        }

        public async Task ProcessKilledAfterThePromotionCommittedAsync(long credentialId)
        {
            var (run, _) = await PasteNewSecretAsync(credentialId);
            await Rotation(r => r.VerifyAsync(run));
            registry.PromoteCrashAfterCommit = new OperationCanceledException("process killed");

            await Assert.ThrowsAsync<OperationCanceledException>(() => Rotation(r => r.PromoteAsync(run)));
            Assert.Equal(RotationStepState.Pending, await StepStateAsync(run, RotationSteps.Promote));
            AssertInvariant(credentialId);

            registry.PromoteCrashAfterCommit = null;
            await using var restarted = AppGraph.Create(options, folder, time, registry);
            await restarted.InScopeAsync<RotationService>(r => r.PromoteAsync(run));
            await restarted.InScopeAsync<RotationService>(r => r.CompleteAsync(run, null));
            Assert.Equal((_secrets[credentialId].New, CredentialStatus.Active), (Credential(credentialId).Current, Credential(credentialId).Status));
            Assert.Single(Credential(credentialId).Retired); // promoted exactly once
        }

        public async Task ProcessKilledMidVerificationAsync(long credentialId)
        {
            var (run, _) = await PasteNewSecretAsync(credentialId);
            registry.VerifyFault = (_, _) => throw new OperationCanceledException("process killed");

            await Assert.ThrowsAsync<OperationCanceledException>(() => Rotation(r => r.VerifyAsync(run)));
            Assert.Equal(RotationStepState.Pending, await StepStateAsync(run, RotationSteps.Verify));
            AssertInvariant(credentialId);

            registry.VerifyFault = null;
            await using var restarted = AppGraph.Create(options, folder, time, registry);
            await restarted.InScopeAsync<RotationService>(r => r.VerifyAsync(run));
            await restarted.InScopeAsync<RotationService>(r => r.PromoteAsync(run));
            await restarted.InScopeAsync<RotationService>(r => r.CompleteAsync(run, null));
            Assert.Equal(_secrets[credentialId].New, Credential(credentialId).Current);
        }

        public async Task CancelAfterTheResetAsync(long credentialId)
        {
            var (run, schedule) = await PasteNewSecretAsync(credentialId);

            await Rotation(r => r.CancelAsync(run, "changed our mind"));

            var view = (await Rotation(r => r.GetRunAsync(run)))!;
            Assert.Equal(RotationRunState.Cancelled, view.State);
            Assert.Equal((null, CredentialStatus.Down), (Credential(credentialId).Pending, Credential(credentialId).Status)); // the old secret is dead in Procore
            AssertInvariant(credentialId);
            await using var context = await db.CreateDbContextAsync();
            Assert.False((await context.MaintenanceSchedules.SingleAsync(s => s.Id == schedule)).Paused);
            Assert.Equal(1, await context.AuditEvents.CountAsync(a => a.Action == "rotation.cancel" && a.TargetId == credentialId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}

using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;
using ProcoreAdmin.Web.Shared;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>
/// Each rotation step is one unit of work: when its save fails, nothing of the step is written (no run, status, secret slot,
/// step state or audit row), and the same step run again afterwards completes. On SQLite and on PostgreSQL.
/// </summary>
public sealed class RotationStepUnitOfWorkTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public Task EveryStep_OnSqlite_TheSaveFails_NothingIsHalfWritten_AndTheStepThenCompletes() =>
        EachDatabase.OnSqliteAsync(RunAsync);

    [PostgresFact]
    public Task EveryStep_OnPostgres_TheSaveFails_NothingIsHalfWritten_AndTheStepThenCompletes() =>
        EachDatabase.OnPostgresAsync(RunAsync);

    private async Task RunAsync(DatabaseOptions options, string folder, IDbContextFactory<AppDbContext> db)
    {
        var registry = new FakeCredentialRegistry(_time);
        var (old, @new) = ($"TESTSECRET-{Guid.NewGuid()}", $"TESTSECRET-{Guid.NewGuid()}");
        var credential = registry.Add(new FakeCredential { Id = 1, Current = old, ProcoreSecret = old });
        await using var graph = AppGraph.Create(options, folder, _time, registry);
        await graph.StartAsync();

        // Start: the first save (the run) fails with no other run open: a failed save, said as such, not "already in progress".
        await using (var failing = Failing(options, folder, registry, new FailNthSave(1)))
        {
            var refused = await Assert.ThrowsAsync<UserFacingException>(() => failing.InScopeAsync<RotationService>(r => r.StartAsync(1, "uow")));
            Assert.IsNotType<RotationConflictException>(refused);
            Assert.Contains("not started", refused.Message, StringComparison.Ordinal);
        }

        // Start: the second save (the credential's status, after the run got its id) fails.
        await using (var failing = Failing(options, folder, registry, new FailNthSave(2)))
        {
            await Assert.ThrowsAsync<DbUpdateException>(() => failing.InScopeAsync<RotationService>(r => r.StartAsync(1, "uow")));
        }

        Assert.Equal(CredentialStatus.Active, credential.Status);
        await using (var context = await db.CreateDbContextAsync())
        {
            Assert.False(await context.RotationRuns.AnyAsync());
            Assert.False(await context.AuditEvents.AnyAsync(a => a.Action.StartsWith("rotation.")));
        }

        var run = await graph.InScopeAsync<RotationService, long>(r => r.StartAsync(1, "uow"));
        Assert.Equal(CredentialStatus.Rotating, credential.Status);

        // Step 1: the owners' notification and the step's record go together.
        await using (var failing = Failing(options, folder, registry, new FailSaveWithAudit($"rotation.step.{RotationSteps.Preparation}")))
        {
            await Assert.ThrowsAsync<DbUpdateException>(() => failing.InScopeAsync<RotationService>(r => r.PrepareAsync(run, null)));
        }

        await using (var context = await db.CreateDbContextAsync())
        {
            Assert.False(await context.Notifications.AnyAsync(n => n.RotationRunId == run), "the owners were told of a step that did not happen");
        }

        await AssertStepUntouchedAsync(db, run, RotationSteps.Preparation);

        await graph.InScopeAsync<RotationService>(r => r.PrepareAsync(run, null));
        await using (var context = await db.CreateDbContextAsync())
        {
            Assert.Equal(1, await context.Notifications.CountAsync(n => n.RotationRunId == run));
            Assert.Equal(RotationStepState.Done, (await context.RotationSteps.SingleAsync(x => x.RunId == run && x.Number == RotationSteps.Preparation)).State);
        }

        await graph.InScopeAsync<RotationService>(r => r.RehearseAsync(run, null, "no sandbox"));
        await graph.InScopeAsync<RotationService>(r => r.PauseSchedulesAsync(run));
        credential.ProcoreSecret = @new;

        // Step 4: pending secret, Down status and the step's record go together.
        await using (var failing = Failing(options, folder, registry, new FailSaveWithAudit($"rotation.step.{RotationSteps.PendingSecret}")))
        {
            await Assert.ThrowsAsync<DbUpdateException>(() => failing.InScopeAsync<RotationService>(r => r.SetPendingSecretAsync(run, @new, null)));
        }

        Assert.Equal((old, (string?)null, CredentialStatus.Rotating), (credential.Current, credential.Pending, credential.Status));
        await AssertStepUntouchedAsync(db, run, RotationSteps.PendingSecret);

        await graph.InScopeAsync<RotationService>(r => r.SetPendingSecretAsync(run, @new, null));
        Assert.Equal((@new, CredentialStatus.Down), (credential.Pending, credential.Status));

        // Step 5: Procore is asked first; the failed verification's record and the Down status go together.
        registry.VerifyFault = (id, slot) => new VerificationResult(id, slot, VerificationOutcome.Unreachable, "Procore answered 503.", _time.GetUtcNow().UtcDateTime, [], [], []);
        await registry.SetStatusAsync(1, CredentialStatus.Rotating, "test: make the Down status of a failed verification visible", StaffActor.System);
        await using (var failing = Failing(options, folder, registry, new FailSaveWithAudit($"rotation.step.{RotationSteps.Verify}")))
        {
            await Assert.ThrowsAsync<DbUpdateException>(() => failing.InScopeAsync<RotationService>(r => r.VerifyAsync(run)));
        }

        Assert.Equal(CredentialStatus.Rotating, credential.Status);
        await AssertStepUntouchedAsync(db, run, RotationSteps.Verify);
        registry.VerifyFault = null;
        Assert.Equal(VerificationOutcome.Ok, (await graph.InScopeAsync<RotationService, VerificationResult>(r => r.VerifyAsync(run))).Outcome);

        // Step 6: the promotion and the step's record go together; the retry promotes exactly once.
        await using (var failing = Failing(options, folder, registry, new FailSaveWithAudit($"rotation.step.{RotationSteps.Promote}")))
        {
            await Assert.ThrowsAsync<RotationStepException>(() => failing.InScopeAsync<RotationService>(r => r.PromoteAsync(run)));
        }

        Assert.Equal((old, @new, CredentialStatus.Down), (credential.Current, credential.Pending, credential.Status));
        await AssertStepUntouchedAsync(db, run, RotationSteps.Promote);

        await graph.InScopeAsync<RotationService>(r => r.PromoteAsync(run));
        Assert.Equal((@new, (string?)null, CredentialStatus.Active), (credential.Current, credential.Pending, credential.Status));
        Assert.Equal(new[] { old }, credential.Retired);
        await graph.InScopeAsync<RotationService>(r => r.CompleteAsync(run, null));
        await using var after = await db.CreateDbContextAsync();
        Assert.Equal(RotationRunState.Completed, (await after.RotationRuns.SingleAsync(r => r.Id == run)).State);
    }

    private AppGraph Failing(DatabaseOptions options, string folder, FakeCredentialRegistry registry, IInterceptor interceptor) =>
        AppGraph.Create(options, folder, _time, registry, configureDatabase: o => o.AddInterceptors(interceptor));

    private static async Task AssertStepUntouchedAsync(IDbContextFactory<AppDbContext> db, long run, int number)
    {
        await using var context = await db.CreateDbContextAsync();
        var step = await context.RotationSteps.SingleAsync(s => s.RunId == run && s.Number == number);
        Assert.NotEqual(RotationStepState.Done, step.State);
        Assert.False(await context.AuditEvents.AnyAsync(a => a.Action == $"rotation.step.{number}" && a.Outcome == "succeeded"),
            $"an audit row claims step {number} succeeded");
    }

    /// <summary>A save that carries the audit row <paramref name="action"/> fails (disk full, lost connection…).</summary>
    private sealed class FailSaveWithAudit(string action) : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default) =>
            eventData.Context!.ChangeTracker.Entries<AuditEvent>().Any(e => e.Entity.Action == action)
                ? throw new DbUpdateException("injected: the save failed")
                : ValueTask.FromResult(result);
    }

    /// <summary>The <paramref name="n"/>th save of each context fails.</summary>
    private sealed class FailNthSave(int n) : SaveChangesInterceptor
    {
        private readonly ConditionalWeakTable<DbContext, StrongBox<int>> _saves = [];

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default) =>
            ++_saves.GetOrCreateValue(eventData.Context!).Value == n
                ? throw new DbUpdateException("injected: the save failed")
                : ValueTask.FromResult(result);
    }
}

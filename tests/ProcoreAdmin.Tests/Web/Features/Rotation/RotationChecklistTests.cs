using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>The rotation state machine with a failure injected at every step; the invariant is checked after each.</summary>
public sealed class RotationChecklistTests : IAsyncLifetime
{
    private readonly string _old = $"TESTSECRET-{Guid.NewGuid()}";
    private readonly string _new = $"TESTSECRET-{Guid.NewGuid()}";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;
    private FakeCredentialRegistry _registry = null!;
    private AppGraph _g = null!;
    private long _scheduleId;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _registry = new FakeCredentialRegistry(_time);
        _registry.Add(new FakeCredential { Id = 1, Current = _old, ProcoreSecret = _old, LastVerifiedRotationUtc = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc) });
        _g = AppGraph.Create(_db, _time, _registry);
        await _g.StartAsync();
        await using var db = _db.CreateDbContext();
        var schedule = new MaintenanceSchedule { Kind = "projects-sync:1", Title = "Sync projects of credential 1", Cron = "0 * * * *", TimeZoneId = "UTC", CredentialId = 1 };
        db.MaintenanceSchedules.Add(schedule);
        await db.SaveChangesAsync();
        _scheduleId = schedule.Id;
        _g.Services.GetRequiredService<ScheduleRegistrar>().Apply(schedule);
    }

    public async Task DisposeAsync()
    {
        await _g.DisposeAsync();
        _db.Dispose();
    }

    private FakeCredential Credential => _registry.Credentials[1];

    private Task<T> Rotation<T>(Func<RotationService, Task<T>> action) => _g.InScopeAsync(action);

    private Task Rotation(Func<RotationService, Task> action) => _g.InScopeAsync(action);

    /// <summary>Exactly one current secret, and it is the one Procore accepts — or the credential is marked Down.</summary>
    private void AssertInvariant()
    {
        var c = Credential;
        Assert.NotNull(c.Current);
        Assert.True(c.Current == c.ProcoreSecret || c.Status == CredentialStatus.Down,
            $"current secret does not work and the status is {c.Status}");
    }

    private async Task<long> PrepareToPasteAsync()
    {
        var run = await Rotation(r => r.StartAsync(1, "quarterly"));
        await Rotation(r => r.PrepareAsync(run, "owners told"));
        await Rotation(r => r.RehearseAsync(run, null, "no sandbox"));
        await Rotation(r => r.PauseSchedulesAsync(run));
        return run;
    }

    /// <summary>What Procore's "Reset Client Secret" does: the old secret dies at once.</summary>
    private void ResetInPortal() => Credential.ProcoreSecret = _new;

    [Fact]
    public async Task FullRotation_PromotesOnlyAfterVerification_DropsTokens_ResumesSchedules_AndRecordsEvidence()
    {
        var run = await PrepareToPasteAsync();
        Assert.True((await _db.CreateDbContext().MaintenanceSchedules.SingleAsync(s => s.Id == _scheduleId)).Paused);
        Assert.False(_g.Recurring.Jobs.ContainsKey(ScheduleRegistrar.RecurringJobId("projects-sync:1")));
        Assert.Equal(CredentialStatus.Rotating, Credential.Status);

        ResetInPortal();
        await Rotation(r => r.SetPendingSecretAsync(run, _new, "reset at 08:00"));
        AssertInvariant();
        _time.Advance(TimeSpan.FromMinutes(3));
        var result = await Rotation(r => r.VerifyAsync(run));
        Assert.Equal(VerificationOutcome.Ok, result.Outcome);
        await Rotation(r => r.PromoteAsync(run));
        await Rotation(r => r.CompleteAsync(run, "done"));

        Assert.Equal((_new, (string?)null, CredentialStatus.Active), (Credential.Current, Credential.Pending, Credential.Status));
        Assert.Contains(_old, Credential.Retired);
        Assert.Contains("1:Current", _g.Procore.Forgotten);
        Assert.Contains("1:Pending", _g.Procore.Forgotten);
        Assert.True(_g.Recurring.Jobs.ContainsKey(ScheduleRegistrar.RecurringJobId("projects-sync:1")));
        var view = await Rotation(r => r.GetRunAsync(run));
        Assert.Equal(RotationRunState.Completed, view!.State);
        Assert.All(view.Steps, s => Assert.Contains(s.State, new[] { RotationStepState.Done, RotationStepState.Skipped }));
        Assert.All(view.Steps, s => Assert.Equal("test-subject", s.ActorSubject));
        Assert.Equal(180, view.TimeToRestoreSeconds);
        Assert.Equal(_time.GetUtcNow().UtcDateTime.AddDays(90), view.NextDueUtc);

        var (_, _, json) = await Rotation(r => r.ExportAsync(run, "json"));
        var (_, _, csv) = await Rotation(r => r.ExportAsync(run, "csv"));
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]); // UTF-8 BOM, as every CSV export has
        foreach (var export in new[] { System.Text.Encoding.UTF8.GetString(json), System.Text.Encoding.UTF8.GetString(csv) })
        {
            Assert.DoesNotContain(_new, export);
            Assert.DoesNotContain(_old, export);
            Assert.Contains(FakeCredentialRegistry.Fingerprint(_new)!, export);
        }

        await using var db = _db.CreateDbContext();
        Assert.Equal(7, await db.AuditEvents.CountAsync(a => a.Action.StartsWith("rotation.step.")));
        Assert.False(await db.AuditEvents.AnyAsync(a => (a.Detail ?? "").Contains("TESTSECRET")));
        Assert.False(await db.RotationSteps.AnyAsync(s => (s.Evidence ?? "").Contains("TESTSECRET") || (s.Notes ?? "").Contains("TESTSECRET")));
    }

    [Fact]
    public async Task InvalidNewSecret_FailsVerification_CredentialMarkedDown_PromoteRefused_ThenACorrectSecretFinishes()
    {
        var run = await PrepareToPasteAsync();
        ResetInPortal();
        await Rotation(r => r.SetPendingSecretAsync(run, "TESTSECRET-typo", null));

        var result = await Rotation(r => r.VerifyAsync(run));

        Assert.Equal(VerificationOutcome.InvalidClient, result.Outcome);
        Assert.Equal(CredentialStatus.Down, Credential.Status);
        Assert.Equal(_old, Credential.Current);
        AssertInvariant();
        await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.PromoteAsync(run)));
        Assert.Equal(_old, Credential.Current);

        await Rotation(r => r.SetPendingSecretAsync(run, _new, "pasted the right one"));
        await Rotation(r => r.VerifyAsync(run));
        await Rotation(r => r.PromoteAsync(run));
        Assert.Equal((_new, CredentialStatus.Active), (Credential.Current, Credential.Status));
        AssertInvariant();
    }

    [Fact]
    public async Task ProcoreServerErrorDuringVerification_KeepsTheInvariant_AndTheStepCanBeRetried()
    {
        var run = await PrepareToPasteAsync();
        ResetInPortal();
        await Rotation(r => r.SetPendingSecretAsync(run, _new, null));
        _registry.VerifyFault = (id, slot) => new VerificationResult(id, slot, VerificationOutcome.Unreachable, "Procore answered 503.", _time.GetUtcNow().UtcDateTime, [], [], []);

        var failed = await Rotation(r => r.VerifyAsync(run));

        Assert.Equal(VerificationOutcome.Unreachable, failed.Outcome);
        Assert.Equal(RotationStepState.Failed, (await Rotation(r => r.GetRunAsync(run)))!.Step(RotationSteps.Verify).State);
        AssertInvariant();
        await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.PromoteAsync(run)));

        _registry.VerifyFault = null;
        Assert.Equal(VerificationOutcome.Ok, (await Rotation(r => r.VerifyAsync(run))).Outcome);
        await Rotation(r => r.PromoteAsync(run));
        AssertInvariant();
    }

    [Fact]
    public async Task DatabaseFailureWhenPromoting_ChangesNothing_MarksDown_AndARetryPromotes()
    {
        var run = await PrepareToPasteAsync();
        ResetInPortal();
        await Rotation(r => r.SetPendingSecretAsync(run, _new, null));
        await Rotation(r => r.VerifyAsync(run));
        _registry.PromoteFailure = new DbUpdateException("disk I/O error");

        await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.PromoteAsync(run)));

        Assert.Equal((_old, _new, CredentialStatus.Down), (Credential.Current, Credential.Pending, Credential.Status));
        AssertInvariant();
        Assert.Equal(RotationStepState.Failed, (await Rotation(r => r.GetRunAsync(run)))!.Step(RotationSteps.Promote).State);
        Assert.True((await _db.CreateDbContext().MaintenanceSchedules.SingleAsync(s => s.Id == _scheduleId)).Paused);

        _registry.PromoteFailure = null;
        await Rotation(r => r.PromoteAsync(run));
        Assert.Equal((_new, CredentialStatus.Active), (Credential.Current, Credential.Status));
    }

    [Fact]
    public async Task ProcessKilledAfterThePromotionCommitted_ANewInstanceResumesIdempotently()
    {
        var run = await PrepareToPasteAsync();
        ResetInPortal();
        await Rotation(r => r.SetPendingSecretAsync(run, _new, null));
        await Rotation(r => r.VerifyAsync(run));
        _registry.PromoteCrashAfterCommit = new OperationCanceledException("process killed");

        await Assert.ThrowsAsync<OperationCanceledException>(() => Rotation(r => r.PromoteAsync(run)));
        Assert.Equal(RotationStepState.Pending, (await Rotation(r => r.GetRunAsync(run)))!.Step(RotationSteps.Promote).State);
        AssertInvariant();

        // A fresh app instance on the same database picks the run up where it stopped.
        await using var restarted = AppGraph.Create(_db, _time, _registry);
        await restarted.InScopeAsync<RotationService>(r => r.PromoteAsync(run));
        await restarted.InScopeAsync<RotationService>(r => r.CompleteAsync(run, null));
        Assert.Equal((_new, CredentialStatus.Active), (Credential.Current, Credential.Status));
        Assert.Single(Credential.Retired); // promoted exactly once
    }

    [Fact]
    public async Task ProcessKilledMidVerification_LeavesTheStepUnfinished_AndAResumeVerifies()
    {
        var run = await PrepareToPasteAsync();
        ResetInPortal();
        await Rotation(r => r.SetPendingSecretAsync(run, _new, null));
        _registry.VerifyFault = (_, _) => throw new OperationCanceledException("process killed");

        await Assert.ThrowsAsync<OperationCanceledException>(() => Rotation(r => r.VerifyAsync(run)));
        AssertInvariant();
        Assert.Equal(RotationStepState.Pending, (await Rotation(r => r.GetRunAsync(run)))!.Step(RotationSteps.Verify).State);

        _registry.VerifyFault = null;
        await using var restarted = AppGraph.Create(_db, _time, _registry);
        await restarted.InScopeAsync<RotationService>(r => r.VerifyAsync(run));
        await restarted.InScopeAsync<RotationService>(r => r.PromoteAsync(run));
        Assert.Equal(_new, Credential.Current);
    }

    [Fact]
    public async Task StepsOutOfOrder_AreRefused()
    {
        var run = await Rotation(r => r.StartAsync(1, null));
        await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.SetPendingSecretAsync(run, _new, null)));
        await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.PromoteAsync(run)));
        Assert.Null(Credential.Pending);
    }

    [Fact]
    public async Task TwoAdminsStartingAtOnce_OneRunIsCreated_TheOtherIsToldItIsInProgress()
    {
        await using var other = AppGraph.Create(_db, _time, _registry);
        var results = await Task.WhenAll(
            Task.Run(async () => { try { return (long?)await Rotation(r => r.StartAsync(1, "a")); } catch (RotationConflictException) { return null; } }),
            Task.Run(async () => { try { return (long?)await other.InScopeAsync<RotationService, long>(r => r.StartAsync(1, "b")); } catch (RotationConflictException) { return null; } }));

        Assert.Single(results, r => r is not null);
        await using var db = _db.CreateDbContext();
        Assert.Equal(1, await db.RotationRuns.CountAsync(r => r.State == RotationRunState.Active));
    }

    [Fact]
    public async Task Viewer_CannotStartOrRunSteps_AndNothingChanges()
    {
        await using var viewer = AppGraph.Create(_db, _time, _registry, StaffRoles.Viewer);
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.InScopeAsync<RotationService, long>(r => r.StartAsync(1, null)));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.InScopeAsync<RotationService, long>(r => r.ReportCompromiseAsync(1, null)));
        var run = await Rotation(r => r.StartAsync(1, null));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.InScopeAsync<RotationService>(r => r.PrepareAsync(run, null)));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => viewer.InScopeAsync<RotationService>(r => r.CancelAsync(run, null)));
        Assert.Equal(RotationStepState.Pending, (await Rotation(r => r.GetRunAsync(run)))!.Step(1).State);
    }

    [Fact]
    public async Task SuspectedCompromise_StartsAnUrgentRun_PausesSchedules_AndNotifiesOwners()
    {
        var run = await Rotation(r => r.ReportCompromiseAsync(1, "secret pasted in a public channel"));

        var view = (await Rotation(r => r.GetRunAsync(run)))!;
        Assert.True(view.Urgent);
        Assert.Equal(CredentialStatus.SuspectedCompromise, Credential.Status);
        Assert.Equal(RotationStepState.Done, view.Step(RotationSteps.Preparation).State);
        Assert.Equal(RotationStepState.Done, view.Step(RotationSteps.PauseSchedules).State);
        await using var db = _db.CreateDbContext();
        Assert.True((await db.MaintenanceSchedules.SingleAsync(s => s.Id == _scheduleId)).Paused);
        var n = await db.Notifications.SingleAsync(x => x.Kind == "rotation-urgent");
        Assert.Contains("owner@example.test", n.Recipients);
    }

    [Fact]
    public async Task Cancel_BeforeTheReset_RestoresActiveAndSchedules_AfterTheReset_LeavesTheCredentialDown()
    {
        var first = await PrepareToPasteAsync();
        await Rotation(r => r.CancelAsync(first, "not today"));
        Assert.Equal(CredentialStatus.Active, Credential.Status);
        Assert.False((await _db.CreateDbContext().MaintenanceSchedules.SingleAsync(s => s.Id == _scheduleId)).Paused);

        var second = await PrepareToPasteAsync();
        ResetInPortal();
        await Rotation(r => r.SetPendingSecretAsync(second, "TESTSECRET-wrong", null));
        await Rotation(r => r.CancelAsync(second, "gave up"));
        Assert.Equal((CredentialStatus.Down, (string?)null), (Credential.Status, Credential.Pending));
        AssertInvariant();
    }

    [Fact]
    public async Task CancelUrgentRun_BeforeTheReset_ClearsTheCompromiseFlagAndAuditsTheReason()
    {
        var run = await Rotation(r => r.ReportCompromiseAsync(1, "laptop lost"));
        Assert.Equal(CredentialStatus.SuspectedCompromise, Credential.Status);

        await Rotation(r => r.CancelAsync(run, "laptop found, disk was encrypted"));

        Assert.Equal(CredentialStatus.Active, Credential.Status);
        await using var db = _db.CreateDbContext();
        var audit = await db.AuditEvents.SingleAsync(a => a.Action == "rotation.cancel");
        Assert.Contains("laptop found", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportCompromise_WithoutAReason_IsRefusedAndStartsNothing()
    {
        var ex = await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.ReportCompromiseAsync(1, "  ")));

        Assert.Contains("why", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(CredentialStatus.Active, Credential.Status);
        await using var db = _db.CreateDbContext();
        Assert.Equal(0, await db.RotationRuns.CountAsync());
    }

    [Fact]
    public async Task PauseStep_WithNoScheduleTiedToTheCredential_SaysNothingToPauseInsteadOfDone()
    {
        await using (var db = _db.CreateDbContext())
        {
            await db.MaintenanceSchedules.Where(s => s.Id == _scheduleId).ExecuteUpdateAsync(s => s.SetProperty(x => x.CredentialId, (long?)null));
        }

        var run = await PrepareToPasteAsync();

        var step = (await Rotation(r => r.GetRunAsync(run)))!.Step(RotationSteps.PauseSchedules);
        Assert.Equal(RotationStepState.Skipped, step.State);
        Assert.Contains("Nothing to pause", step.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preparation_WithNoOwnerEmail_SaysNobodyWasEmailed()
    {
        Credential.Owners = null;
        var run = await PrepareToPasteAsync();

        var step = (await Rotation(r => r.GetRunAsync(run)))!.Step(RotationSteps.Preparation);
        Assert.Contains("Nobody was e-mailed", step.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidence_KeepsFailedVerificationAttempts_AndTimesEndInZ()
    {
        var run = await PrepareToPasteAsync();
        ResetInPortal();
        await Rotation(r => r.SetPendingSecretAsync(run, "TESTSECRET-typo", null));
        await Rotation(r => r.VerifyAsync(run));
        await Rotation(r => r.SetPendingSecretAsync(run, _new, null));
        await Rotation(r => r.VerifyAsync(run));
        await Rotation(r => r.PromoteAsync(run));
        await Rotation(r => r.CompleteAsync(run, null));

        var view = (await Rotation(r => r.GetRunAsync(run)))!;
        using var evidence = System.Text.Json.JsonDocument.Parse(view.Step(RotationSteps.Verify).Evidence!);
        var attempts = evidence.RootElement.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([false, true], attempts.Select(a => a.GetProperty("passed").GetBoolean()));
        Assert.Equal("InvalidClient", attempts[0].GetProperty("outcome").GetString());

        var json = System.Text.Json.JsonSerializer.Serialize(RotationService.ToEvidence(view),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.Matches("\"startedUtc\":\"[0-9T:.-]+Z\"", json);
        Assert.Matches("\"finishedUtc\":\"[0-9T:.-]+Z\"", json);
        Assert.DoesNotMatch("\"updatedUtc\":\"[0-9T:.-]+\"", json);
        Assert.Matches(",[0-9T:.-]+Z,", RotationService.ToCsv(view));
    }

    [Fact]
    public async Task PendingSecret_Of501To512Characters_GetsAValidationMessageNotAnException()
    {
        var run = await PrepareToPasteAsync();
        var secret = new string('s', 505);

        Assert.NotNull(RotationEngine.SecretProblem(secret));
        var ex = await Assert.ThrowsAsync<RotationStepException>(() => Rotation(r => r.SetPendingSecretAsync(run, secret, null)));
        Assert.Contains("at most 500", ex.Message, StringComparison.Ordinal);
    }
}

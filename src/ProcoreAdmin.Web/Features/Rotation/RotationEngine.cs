using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>
/// The rotation state machine. Callers pass the actor (UI callers check roles in <see cref="RotationService"/> first).
/// Invariants: the current secret changes only by promoting a pending secret whose verification passed (and whose
/// fingerprint is still the verified one); from the moment the new secret is pasted (the old one was reset in Procore)
/// any failure marks the credential <see cref="CredentialStatus.Down"/> until a verified promotion; every step is
/// idempotent, so a run resumes from its first unfinished step after a crash; every step writes an audit row;
/// at most one active run per credential (unique index).
/// </summary>
public sealed partial class RotationEngine(
    IDbContextFactory<AppDbContext> dbFactory,
    ICredentialDirectory directory,
    ICredentialVerifier verifier,
    ICredentialSecretStore secrets,
    IProcoreClient procore,
    ICredentialSchedules schedules,
    INotificationPublisher notifications,
    AuditTrail audit,
    TimeProvider time,
    ILogger<RotationEngine> logger,
    IEnumerable<IRotationObserver> observers,
    IEnumerable<IRotationBlastRadiusSource> blastRadius)
{
    /// <summary>The same limit as the credential forms and the secret store (a longer paste is a validation message, not a crash).</summary>
    public const int MaxSecretLength = InputRules.MaxSecretLength;

    public async Task<long> StartAsync(long credentialId, bool urgent, string reason, StaffActor actor, CancellationToken ct = default)
    {
        var credential = await directory.FindCredentialAsync(credentialId, ct)
            ?? throw new RotationStepException($"Credential set {credentialId} does not exist.");
        if (credential.Status == CredentialStatus.Retired)
        {
            throw new RotationStepException("A retired credential set cannot be rotated.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var run = new RotationRun
        {
            CredentialId = credentialId,
            ActiveCredentialId = credentialId,
            State = RotationRunState.Active,
            Urgent = urgent,
            Reason = Clean(string.IsNullOrWhiteSpace(reason) ? (urgent ? "Suspected compromise" : "Scheduled rotation") : reason, 500),
            StartedUtc = now,
            StartedBy = Clean(actor.Name, 200),
            Steps = RotationSteps.All.Select(s => new RotationStep { Number = s.Number, Name = s.Name, State = RotationStepState.Pending }).ToList(),
        };
        // One unit of work: the run, the credential's status and both audit rows, or none of it.
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.RotationRuns.Add(run);
            audit.Add(db, actor, urgent ? "rotation.start-urgent" : "rotation.start", AuditTargets.Credential, Id(credentialId), AuditOutcomes.Succeeded, run.Reason);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex)
            {
                // The unique index on the active run refuses a second open run of the credential; any other failure is a
                // failed save and is said as such (asked on a fresh context: this one's transaction may be aborted).
                if (await HasActiveRunAsync(credentialId, ct))
                {
                    throw new RotationConflictException(credentialId);
                }

                throw new UserFacingException("The rotation was not started: the database did not save it, and nothing was changed. " +
                                              "Try again; if it keeps failing, the server's log says why.", ex);
            }

            await secrets.SetStatusAsync(db, credentialId, urgent ? CredentialStatus.SuspectedCompromise : CredentialStatus.Rotating,
                $"rotation run {run.Id} started", actor, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        if (urgent)
        {
            await PrepareAsync(run.Id, "Urgent run for a suspected compromise: owners notified and dependent schedules paused at once.", actor, ct);
            await PauseSchedulesAsync(run.Id, actor, ct);
        }

        return run.Id;
    }

    private async Task<bool> HasActiveRunAsync(long credentialId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RotationRuns.AnyAsync(r => r.ActiveCredentialId == credentialId, ct);
    }

    /// <summary>What an action on this credential reaches: installed companies, schedules tied to it, owners who are told.</summary>
    public async Task<BlastRadius?> DescribeBlastRadiusAsync(long credentialId, CancellationToken ct = default)
    {
        var credential = await directory.FindCredentialAsync(credentialId, ct);
        if (credential is null)
        {
            return null;
        }

        var companies = (await directory.ListCompaniesAsync(ct)).ToDictionary(c => c.ProcoreCompanyId);
        var dependent = await schedules.ForCredentialAsync(credentialId, ct);
        var info = (await directory.ListRotationInfoAsync(ct)).FirstOrDefault(i => i.CredentialId == credentialId);
        return new BlastRadius(credential.CredentialId, credential.Label,
            credential.InstalledCompanyIds.Select(id => companies.TryGetValue(id, out var c) ? $"{c.Name} ({id})" : id.ToString(CultureInfo.InvariantCulture)).ToList(),
            dependent.Select(s => s.Title).ToList(), Owners(info?.Owners), credential.CoversMonthlySandbox);
    }

    /// <summary>Step 1: blast radius (installed companies, dependent schedules) recorded; owners notified.</summary>
    public async Task PrepareAsync(long runId, string? notes, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        var credential = await directory.FindCredentialAsync(run.CredentialId, ct) ?? throw new RotationStepException("The credential set no longer exists.");
        var companies = (await directory.ListCompaniesAsync(ct)).ToDictionary(c => c.ProcoreCompanyId);
        var dependent = await schedules.ForCredentialAsync(run.CredentialId, ct);
        var info = (await directory.ListRotationInfoAsync(ct)).FirstOrDefault(i => i.CredentialId == run.CredentialId);
        var owners = Owners(info?.Owners);
        var extra = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var source in blastRadius)
        {
            extra[source.Name] = await source.DescribeAsync(run.CredentialId, ct);
        }

        var evidence = new PreparationEvidence(
            new CredentialEvidence(credential.CredentialId, credential.Label, credential.Environment.ToString()),
            credential.InstalledCompanyIds.Select(id => new CompanyEvidence(id, companies.TryGetValue(id, out var c) ? c.Name : null)).ToList(),
            dependent.Select(s => new ScheduleEvidence(s.Id, s.Kind, s.Title)).ToList(),
            owners,
            extra,
            credential.CoversMonthlySandbox
                ? [credential.Environment.ToString(), nameof(ProcoreEnvironment.MonthlySandbox)]
                : [credential.Environment.ToString()]);
        var consumerText = extra.Values.Sum(v => v.Count) == 0 ? "" : " Token broker consumers: " + string.Join("; ", extra.Values.SelectMany(v => v)) + ".";
        var draft = new NotificationDraft(run.Urgent ? "rotation-urgent" : "rotation-started",
            run.Urgent ? NotificationSeverity.Error : NotificationSeverity.Info,
            (run.Urgent ? "Urgent rotation (suspected compromise): " : "Rotation starting: ") + credential.Label,
            $"Credential set #{credential.CredentialId} \"{credential.Label}\" ({credential.Environment}) is being rotated by {actor.Name}. " +
            $"While the secret is reset, calls for companies {string.Join(", ", credential.InstalledCompanyIds)} will fail until the new secret is verified." +
            (credential.CoversMonthlySandbox ? " " + BlastRadius.MonthlySandboxLine : "") + consumerText,
            credential.CredentialId, runId, owners, $"rotation-start:{runId}");
        var told = owners.Count == 0
            ? "Nobody was e-mailed: no owner e-mail address is recorded (in-app notification only)."
            : $"E-mailed {owners.Count} owner(s): {string.Join(", ", owners)}.";
        if (credential.CoversMonthlySandbox)
        {
            told = $"{told} {BlastRadius.MonthlySandboxLine}";
        }

        // One unit of work: the owners' notification (once per run: a retried step finds it) and the step's record.
        bool raised;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            raised = await notifications.AddUnlessRaisedAsync(db, draft, ct);
            await RecordStepAsync(db, runId, RotationSteps.Preparation, RotationStepState.Done, string.IsNullOrWhiteSpace(notes) ? told : $"{told} {notes}", evidence, actor, ct);
            await db.SaveChangesAsync(ct);
        }

        if (raised)
        {
            notifications.KickDelivery();
        }
    }

    /// <summary>
    /// Step 2: rehearse in a Developer Sandbox credential (its current secret is verified and recorded), or skip with a
    /// note when no sandbox credential is registered.
    /// </summary>
    public async Task RehearseAsync(long runId, long? sandboxCredentialId, string? notes, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        RequireDone(run, RotationSteps.Preparation);
        if (sandboxCredentialId is null)
        {
            await CompleteStepAsync(runId, RotationSteps.Rehearsal, RotationStepState.Skipped, notes ?? "No Developer Sandbox credential registered.", (object?)null, actor, ct);
            return;
        }

        var sandbox = await directory.FindCredentialAsync(sandboxCredentialId.Value, ct);
        if (sandbox is null || sandbox.Environment != ProcoreEnvironment.DeveloperSandbox)
        {
            throw new RotationStepException("Choose a registered Developer Sandbox credential for the rehearsal.");
        }

        var result = await SafeVerifyAsync(sandbox.CredentialId, SecretSlot.Current, actor, ct);
        var passed = result.Outcome == VerificationOutcome.Ok;
        await CompleteStepAsync(runId, RotationSteps.Rehearsal, passed ? RotationStepState.Done : RotationStepState.Failed, notes,
            new RehearsalEvidence(sandboxCredentialId, VerificationEvidence.Of(result)), actor, ct);
        if (!passed)
        {
            throw new RotationStepException($"The sandbox rehearsal failed: {result.Outcome}. {result.Summary}");
        }
    }

    /// <summary>Step 3: pauses the schedules that work on this credential (only those; resumed by step 7 or cancel).</summary>
    public async Task PauseSchedulesAsync(long runId, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        RequireDone(run, RotationSteps.Preparation);
        var paused = await schedules.PauseForRotationAsync(run.CredentialId, runId, actor, ct);

        // A step that had nothing to do says so instead of claiming "Done".
        await CompleteStepAsync(runId, RotationSteps.PauseSchedules, paused.Count == 0 ? RotationStepState.Skipped : RotationStepState.Done,
            paused.Count == 0 ? "Nothing to pause: no running maintenance schedule is tied to this credential." : $"Paused {paused.Count} schedule(s).",
            new PauseEvidence(paused), actor, ct);
    }

    /// <summary>
    /// Step 4: after the reset in the Developer Portal, the new secret goes into the pending slot (encrypted by the
    /// registry). From now on the old secret is dead in Procore, so the credential is Down until step 6 succeeds.
    /// </summary>
    public async Task SetPendingSecretAsync(long runId, string secret, string? notes, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        RequireDone(run, RotationSteps.Preparation, RotationSteps.Rehearsal, RotationSteps.PauseSchedules);
        if (run.Steps.Single(s => s.Number == RotationSteps.Promote).State == RotationStepState.Done)
        {
            throw new RotationStepException("The new secret is already promoted; finish the run.");
        }

        ValidateSecret(secret);

        // One unit of work: the pending secret, the Down status, step 4 and the reset of step 5, with their audit rows. The
        // fingerprint key is loaded first (creating it writes on its own connection, which would wait for this transaction).
        await secrets.PrepareWritesAsync(ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var pending = await secrets.SetPendingSecretAsync(db, run.CredentialId, secret.Trim(), actor, ct);
            await secrets.SetStatusAsync(db, run.CredentialId, CredentialStatus.Down,
                $"rotation run {runId}: the secret was reset in Procore; the new secret is not verified yet", actor, ct);
            await RecordStepAsync(db, runId, RotationSteps.PendingSecret, RotationStepState.Done, notes, new PendingSecretEvidence(pending), actor, ct);

            // A new pending secret invalidates an earlier verification.
            var verify = await db.RotationSteps.SingleAsync(s => s.RunId == runId && s.Number == RotationSteps.Verify, ct);
            verify.State = RotationStepState.Pending;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        // Only after the commit: the token broker re-reads the rotation state when woken.
        Notify(o => o.SecretReset(run.CredentialId));
    }

    /// <summary>Step 5: token + /me + /companies (company header) for every installed company with the pending secret.</summary>
    public async Task<VerificationResult> VerifyPendingAsync(long runId, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        RequireDone(run, RotationSteps.PendingSecret);
        var (_, pending) = await secrets.GetFingerprintsAsync(run.CredentialId, ct);
        if (pending is null)
        {
            throw new RotationStepException("There is no pending secret to verify: paste the new secret first.");
        }

        var result = await SafeVerifyAsync(run.CredentialId, SecretSlot.Pending, actor, ct);
        var passed = result.Outcome == VerificationOutcome.Ok && result.MissingCompanyIds.Count == 0;

        // Every attempt stays in the evidence, failed ones included (a later success used to overwrite them).
        var earlier = RotationEvidenceJson.Read<VerifyEvidence>(run.Steps.Single(s => s.Number == RotationSteps.Verify).Evidence);
        var monthlyAttempt = result.MonthlySandbox is { } m
            ? new MonthlySandboxAttempt(m.Outcome.ToString(), m.Summary, m.Outcome == VerificationOutcome.Ok)
            : null;
        var attempts = (earlier?.Attempts ?? [])
            .Append(new VerifyAttempt(result.CheckedUtc, pending, passed, result.Outcome.ToString(), result.Summary, result.MissingCompanyIds, monthlyAttempt))
            .ToList();

        // Procore was asked above, outside any transaction; its answer, step 5 and (on failure) the Down status are one unit of work.
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await RecordStepAsync(db, runId, RotationSteps.Verify, passed ? RotationStepState.Done : RotationStepState.Failed, MonthlySandboxNote(result),
                new VerifyEvidence(pending, passed, VerificationEvidence.Of(result), attempts,
                    result.MonthlySandbox is { } monthly ? VerificationEvidence.Of(monthly) : null), actor, ct);
            if (!passed)
            {
                await secrets.SetStatusAsync(db, run.CredentialId, CredentialStatus.Down,
                    $"rotation run {runId}: the new secret failed verification ({result.Outcome})", actor, ct);
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        return result;
    }

    /// <summary>
    /// Step 6: promote only a verified pending secret (same fingerprint as verified), then drop cached tokens. Idempotent:
    /// when a crash happened after the promotion committed, the retry sees the verified fingerprint as current and completes.
    /// </summary>
    public async Task PromoteAsync(long runId, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        RequireDone(run, RotationSteps.Verify);
        var verified = VerifiedFingerprint(run) ?? throw new RotationStepException("The verification evidence is missing; verify again.");
        var (current, pending) = await secrets.GetFingerprintsAsync(run.CredentialId, ct);
        var alreadyPromoted = pending is null && current == verified;
        if (alreadyPromoted)
        {
            LogPromotionAlreadyDone(logger, runId);
        }
        else if (pending != verified)
        {
            throw new RotationStepException("The pending secret changed after verification; verify it again before promoting.");
        }

        // One unit of work: the promotion, step 6 and their audit rows. Cached tokens (both slots, in production and in the
        // monthly sandbox) are dropped before the commit: the token broker hands out tokens again as soon as it sees step 6
        // done, and must not find a token of the old secret in the cache then.
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (!alreadyPromoted)
            {
                await secrets.PromotePendingSecretAsync(db, run.CredentialId, actor, ct);
            }

            await RecordStepAsync(db, runId, RotationSteps.Promote, RotationStepState.Done, null, new PromoteEvidence(verified, TokensDropped: true), actor, ct);
            CredentialTokenKeys.ForgetAll(procore, run.CredentialId);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not RotationStepException)
        {
            await RecordStepFailureAsync(runId, RotationSteps.Promote, $"Promotion failed ({ex.GetType().Name}); the pending secret is kept. Retry the step.", actor);
            await TryMarkDownAsync(run.CredentialId, $"rotation run {runId}: promotion failed", actor);
            throw new RotationStepException("Promoting the new secret failed; nothing was half-changed. The credential stays marked down; retry this step.");
        }

        Notify(o => o.SecretPromoted(run.CredentialId));
    }

    /// <summary>Step 7: resume the schedules this run paused, record time to restore, set the next due date, close the run.</summary>
    public async Task CompleteAsync(long runId, string? notes, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        RequireDone(run, RotationSteps.Promote);
        var now = time.GetUtcNow().UtcDateTime;
        var resetAt = run.Steps.Single(s => s.Number == RotationSteps.PendingSecret).UpdatedUtc ?? run.StartedUtc;
        var info = (await directory.ListRotationInfoAsync(ct)).FirstOrDefault(i => i.CredentialId == run.CredentialId);
        var nextDue = Utc((info?.LastVerifiedRotationUtc ?? now).AddDays(Math.Max(1, info?.RotationIntervalDays ?? 90)));
        var ttr = (now - resetAt).TotalSeconds;

        // One unit of work: schedules resumed, step 7 recorded, the run closed and every audit row, or none of it.
        ScheduleChange resumed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            resumed = await schedules.ResumeAfterRotationAsync(db, runId, actor, ct);
            await RecordStepAsync(db, runId, RotationSteps.Resume, RotationStepState.Done, notes,
                new ResumeEvidence(resumed.ScheduleIds, Math.Round(ttr, 1), nextDue), actor, ct);
            var closing = await db.RotationRuns.SingleAsync(r => r.Id == runId, ct);
            closing.State = RotationRunState.Completed;
            closing.ActiveCredentialId = null;
            closing.FinishedUtc = now;
            closing.TimeToRestoreSeconds = ttr;
            closing.NextDueUtc = nextDue;
            audit.Add(db, actor, "rotation.complete", AuditTargets.Credential, Id(run.CredentialId), AuditOutcomes.Succeeded, $"run {runId}; time to restore {ttr:0} s");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        resumed.ApplyAfterCommit();
        await notifications.RaiseAsync(new NotificationDraft("rotation-completed", NotificationSeverity.Info, $"Rotation completed: {info?.Label ?? "credential set"}",
            $"Credential set \"{info?.Label}\" was rotated and verified. Time to restore: {ttr:0} s. Next rotation due {nextDue:yyyy-MM-dd}.",
            run.CredentialId, runId, Owners(info?.Owners), $"rotation-complete:{runId}"), ct);
    }

    /// <summary>
    /// Cancels an unfinished run: drops the pending secret, resumes the paused schedules. If the secret was already reset in
    /// Procore (step 4 done) the credential stays Down; otherwise it returns to Active (or stays flagged for a compromise).
    /// </summary>
    public async Task CancelAsync(long runId, string reason, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        if (run.Steps.Single(s => s.Number == RotationSteps.Promote).State == RotationStepState.Done)
        {
            throw new RotationStepException("The new secret is already promoted; complete the run instead of cancelling it.");
        }

        var secretWasReset = run.Steps.Single(s => s.Number == RotationSteps.PendingSecret).State == RotationStepState.Done;

        // Cancelling says "no rotation now". For an urgent run that means the suspicion was dropped (a false alarm, or
        // handled elsewhere): the credential goes back to Active, and the reason for cancelling is in the audit. Only a
        // secret already reset in Procore leaves it Down. A flag that outlived its run would keep alarming with nothing to act on.
        var status = secretWasReset ? CredentialStatus.Down : CredentialStatus.Active;
        var now = time.GetUtcNow().UtcDateTime;

        // One unit of work: pending secret dropped, schedules resumed, status set, run closed and every audit row, or none of it.
        ScheduleChange resumed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await secrets.DiscardPendingSecretAsync(db, run.CredentialId, actor, ct);
            resumed = await schedules.ResumeAfterRotationAsync(db, runId, actor, ct);
            await secrets.SetStatusAsync(db, run.CredentialId, status,
                $"rotation run {runId} cancelled{(run.Urgent && !secretWasReset ? "; suspected-compromise flag cleared" : "")}: {Clean(reason, 300)}", actor, ct);
            var closing = await db.RotationRuns.SingleAsync(r => r.Id == runId, ct);
            closing.State = RotationRunState.Cancelled;
            closing.ActiveCredentialId = null;
            closing.FinishedUtc = now;
            audit.Add(db, actor, "rotation.cancel", AuditTargets.Credential, Id(run.CredentialId), AuditOutcomes.Succeeded, Clean($"run {runId}: {reason}", 500));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        resumed.ApplyAfterCommit();
        Notify(o => o.RunCancelled(run.CredentialId));
    }

    public async Task<RotationRunView?> GetAsync(long runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.RotationRuns.AsNoTracking().Include(r => r.Steps).SingleOrDefaultAsync(r => r.Id == runId, ct);
        return run is null ? null : ToView(run);
    }

    public async Task<IReadOnlyList<RotationRunView>> ListAsync(int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = await db.RotationRuns.AsNoTracking().Include(r => r.Steps)
            .OrderByDescending(r => r.ActiveCredentialId != null).ThenByDescending(r => r.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return runs.Select(ToView).ToList();
    }

    private async Task<VerificationResult> SafeVerifyAsync(long credentialId, SecretSlot slot, StaffActor actor, CancellationToken ct)
    {
        try
        {
            return await verifier.VerifyAsync(credentialId, slot, actor, ct);
        }
        catch (CredentialUnreadableException)
        {
            return Failed(credentialId, slot, VerificationOutcome.SecretUnreadable, "The stored secret cannot be read.");
        }
        catch (ProcoreApiException ex)
        {
            return Failed(credentialId, slot, VerificationOutcome.Unreachable, $"Procore call failed: {ex.Kind}.");
        }
        catch (HttpRequestException)
        {
            return Failed(credentialId, slot, VerificationOutcome.Unreachable, "Procore could not be reached.");
        }
    }

    /// <summary>
    /// What the proof step says about the monthly sandbox. It does not gate the promotion (the monthly sandbox may follow a
    /// reset only later), but a refusal is said plainly instead of being left out.
    /// </summary>
    public static string? MonthlySandboxNote(VerificationResult result) => result.MonthlySandbox switch
    {
        null => null,
        { Outcome: VerificationOutcome.Ok } => "Monthly sandbox: the new secret works there too.",
        { Outcome: VerificationOutcome.InvalidClient } =>
            "Monthly sandbox: it does not accept the new secret yet (it has not picked up the reset). Production does not wait for it; run Verify now on the credential later to see when it has.",
        { } m => $"Monthly sandbox: {m.Outcome}. {m.Summary}",
    };

    private VerificationResult Failed(long id, SecretSlot slot, VerificationOutcome outcome, string summary) =>
        new(id, slot, outcome, summary, time.GetUtcNow().UtcDateTime, [], [], []);

    private static string? VerifiedFingerprint(RotationRun run) =>
        RotationEvidenceJson.Read<VerifyEvidence>(run.Steps.Single(s => s.Number == RotationSteps.Verify).Evidence)?.PendingFingerprint;

    private async Task<RotationRun> LoadActiveAsync(long runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.RotationRuns.AsNoTracking().Include(r => r.Steps).SingleOrDefaultAsync(r => r.Id == runId, ct)
            ?? throw new RotationStepException($"Rotation run {runId} does not exist.");
        if (run.State != RotationRunState.Active)
        {
            throw new RotationStepException($"Rotation run {runId} is {run.State.ToString().ToLowerInvariant()}.");
        }

        return run;
    }

    private static void RequireDone(RotationRun run, params int[] numbers)
    {
        foreach (var n in numbers)
        {
            var step = run.Steps.Single(s => s.Number == n);
            if (step.State is not (RotationStepState.Done or RotationStepState.Skipped))
            {
                throw new RotationStepException($"Finish step {n} ({step.Name}) first.");
            }
        }
    }

    private async Task CompleteStepAsync<TEvidence>(long runId, int number, RotationStepState state, string? notes, TEvidence? evidence, StaffActor actor, CancellationToken ct)
        where TEvidence : class
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RecordStepAsync(db, runId, number, state, notes, evidence, actor, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Records a step's state, notes, evidence and audit row in the caller's context; the caller saves.</summary>
    private async Task RecordStepAsync<TEvidence>(AppDbContext db, long runId, int number, RotationStepState state, string? notes, TEvidence? evidence, StaffActor actor, CancellationToken ct)
        where TEvidence : class
    {
        var now = time.GetUtcNow().UtcDateTime;
        var json = evidence is null ? null : RotationEvidenceJson.Write(evidence);
        var step = await db.RotationSteps.SingleAsync(s => s.RunId == runId && s.Number == number, ct);
        step.State = state;
        step.UpdatedUtc = now;
        step.ActorIssuer = Clean(actor.Issuer, 400);
        step.ActorSubject = Clean(actor.Subject, 200);
        step.ActorName = Clean(actor.Name, 200);
        step.Notes = string.IsNullOrWhiteSpace(notes) ? step.Notes : Clean(notes, 2000);
        step.Evidence = json;
        audit.Add(db, actor, $"rotation.step.{number}", AuditTargets.RotationRun, Id(runId),
            state is RotationStepState.Failed ? AuditOutcomes.Failed : AuditOutcomes.Succeeded, $"{step.Name}: {state}");
    }

    private async Task RecordStepFailureAsync(long runId, int number, string notes, StaffActor actor)
    {
        try
        {
            await CompleteStepAsync(runId, number, RotationStepState.Failed, notes, (object?)null, actor, CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException || DatabaseFailures.IsDatabaseFailure(ex))
        {
            LogStepRecordFailed(logger, runId, number);
        }
    }

    private async Task TryMarkDownAsync(long credentialId, string reason, StaffActor actor)
    {
        try
        {
            await secrets.SetStatusAsync(credentialId, CredentialStatus.Down, reason, actor, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStepRecordFailed(logger, credentialId, RotationSteps.Promote);
        }
    }

    /// <summary>The rotation form's rule for a pasted secret: null when it is acceptable, else the message to show under the field.</summary>
    public static string? SecretProblem(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return "Paste the new client secret from the Developer Portal.";
        }

        // The pasted value is trimmed (a copy from the portal often carries a trailing space), then held to the form's rule.
        var errors = InputValidator.Validate(new PendingSecretInput(secret.Trim(), null));
        return errors.Count == 0 && !secret.Any(char.IsControl)
            ? null
            : $"That does not look like a client secret: at most {MaxSecretLength} characters, no line breaks or control characters.";
    }

    private static void ValidateSecret(string? secret)
    {
        if (SecretProblem(secret) is { } problem)
        {
            throw new RotationStepException(problem);
        }
    }

    public static IReadOnlyList<string> Owners(string? owners) => InputRules.OwnerAddresses(owners);

    // Stored times are UTC but come back from the database without a kind; marking them UTC makes every export say so ("…Z").
    private static RotationRunView ToView(RotationRun r) => new(r.Id, r.CredentialId, r.State, r.Urgent, r.Reason, Utc(r.StartedUtc), r.StartedBy,
        Utc(r.FinishedUtc), r.TimeToRestoreSeconds, Utc(r.NextDueUtc),
        r.Steps.OrderBy(s => s.Number).Select(s => new RotationStepView(s.Number, s.Name, s.State, Utc(s.UpdatedUtc), s.ActorName, s.ActorSubject, s.Notes, s.Evidence)).ToList());

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DateTime? Utc(DateTime? value) => value is { } v ? Utc(v) : null;

    private void Notify(Action<IRotationObserver> action)
    {
        foreach (var observer in observers)
        {
            action(observer);
        }
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Clean(string value, int max) => AuditTrail.Clean(value, max)!;

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotation run {RunId}: the promotion had already committed; completing the step")]
    private static partial void LogPromotionAlreadyDone(ILogger logger, long runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rotation {Id}: could not record the failure of step {Step}")]
    private static partial void LogStepRecordFailed(ILogger logger, long id, int step);
}

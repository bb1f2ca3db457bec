using System.Globalization;
using System.Text.Json;
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
    MaintenanceSchedules schedules,
    NotificationCenter notifications,
    AuditTrail audit,
    TimeProvider time,
    ILogger<RotationEngine> logger,
    IEnumerable<IRotationObserver> observers,
    IEnumerable<IRotationBlastRadiusSource> blastRadius)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.RotationRuns.Add(run);
            audit.Add(db, actor, urgent ? "rotation.start-urgent" : "rotation.start", "Credential", Id(credentialId), AuditOutcomes.Succeeded, run.Reason);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                throw new RotationConflictException(credentialId);
            }
        }

        await secrets.SetStatusAsync(credentialId, urgent ? CredentialStatus.SuspectedCompromise : CredentialStatus.Rotating,
            $"rotation run {run.Id} started", actor, ct);
        if (urgent)
        {
            await PrepareAsync(run.Id, "Urgent run for a suspected compromise: owners notified and dependent schedules paused at once.", actor, ct);
            await PauseSchedulesAsync(run.Id, actor, ct);
        }

        return run.Id;
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
            dependent.Select(s => s.Title).ToList(), Owners(info?.Owners));
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

        var evidence = new
        {
            credential = new { credential.CredentialId, credential.Label, environment = credential.Environment.ToString() },
            companies = credential.InstalledCompanyIds.Select(id => new { id, name = companies.TryGetValue(id, out var c) ? c.Name : null }),
            schedules = dependent.Select(s => new { s.Id, s.Kind, s.Title }),
            owners,
            dependents = extra,
        };
        var consumerText = extra.Values.Sum(v => v.Count) == 0 ? "" : " Token broker consumers: " + string.Join("; ", extra.Values.SelectMany(v => v)) + ".";
        await notifications.RaiseAsync(new NotificationDraft(run.Urgent ? "rotation-urgent" : "rotation-started",
            run.Urgent ? NotificationSeverity.Error : NotificationSeverity.Info,
            (run.Urgent ? "Urgent rotation (suspected compromise): " : "Rotation starting: ") + credential.Label,
            $"Credential set #{credential.CredentialId} \"{credential.Label}\" ({credential.Environment}) is being rotated by {actor.Name}. " +
            $"While the secret is reset, calls for companies {string.Join(", ", credential.InstalledCompanyIds)} will fail until the new secret is verified." + consumerText,
            credential.CredentialId, runId, owners, $"rotation-start:{runId}"), ct);
        var told = owners.Count == 0
            ? "Nobody was e-mailed: no owner e-mail address is recorded (in-app notification only)."
            : $"E-mailed {owners.Count} owner(s): {string.Join(", ", owners)}.";
        await CompleteStepAsync(runId, RotationSteps.Preparation, RotationStepState.Done, string.IsNullOrWhiteSpace(notes) ? told : $"{told} {notes}", evidence, actor, ct);
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
            await CompleteStepAsync(runId, RotationSteps.Rehearsal, RotationStepState.Skipped, notes ?? "No Developer Sandbox credential registered.", null, actor, ct);
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
            new { sandboxCredentialId, verification = Evidence(result) }, actor, ct);
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
            new { pausedScheduleIds = paused }, actor, ct);
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
        await secrets.SetPendingSecretAsync(run.CredentialId, secret.Trim(), actor, ct);
        await secrets.SetStatusAsync(run.CredentialId, CredentialStatus.Down,
            $"rotation run {runId}: the secret was reset in Procore; the new secret is not verified yet", actor, ct);
        var (_, pending) = await secrets.GetFingerprintsAsync(run.CredentialId, ct);
        await CompleteStepAsync(runId, RotationSteps.PendingSecret, RotationStepState.Done, notes, new { pendingFingerprint = pending }, actor, ct);
        // A new pending secret invalidates an earlier verification.
        await ResetStepAsync(runId, RotationSteps.Verify, ct);
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
        var attempts = EarlierAttempts(run.Steps.Single(s => s.Number == RotationSteps.Verify).Evidence);
        attempts.Add(JsonSerializer.SerializeToElement(new
        {
            checkedUtc = result.CheckedUtc,
            pendingFingerprint = pending,
            passed,
            outcome = result.Outcome.ToString(),
            result.Summary,
            missing = result.MissingCompanyIds,
        }, Json));
        await CompleteStepAsync(runId, RotationSteps.Verify, passed ? RotationStepState.Done : RotationStepState.Failed, null,
            new { pendingFingerprint = pending, passed, verification = Evidence(result), attempts }, actor, ct);
        if (!passed)
        {
            await secrets.SetStatusAsync(run.CredentialId, CredentialStatus.Down,
                $"rotation run {runId}: the new secret failed verification ({result.Outcome})", actor, ct);
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
        if (pending is null && current == verified)
        {
            LogPromotionAlreadyDone(logger, runId);
        }
        else if (pending != verified)
        {
            throw new RotationStepException("The pending secret changed after verification; verify it again before promoting.");
        }
        else
        {
            try
            {
                await secrets.PromotePendingSecretAsync(run.CredentialId, actor, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not RotationStepException)
            {
                await RecordStepFailureAsync(runId, RotationSteps.Promote, $"Promotion failed ({ex.GetType().Name}); the pending secret is kept. Retry the step.", actor);
                await TryMarkDownAsync(run.CredentialId, $"rotation run {runId}: promotion failed", actor);
                throw new RotationStepException("Promoting the new secret failed; nothing was half-changed. The credential stays marked down; retry this step.");
            }
        }

        var option = await directory.FindCredentialAsync(run.CredentialId, ct);
        if (option is not null)
        {
            procore.ForgetTokens(directory.ToProcoreCredential(option, SecretSlot.Current).Key);
            procore.ForgetTokens(directory.ToProcoreCredential(option, SecretSlot.Pending).Key);
        }

        (current, _) = await secrets.GetFingerprintsAsync(run.CredentialId, ct);
        await CompleteStepAsync(runId, RotationSteps.Promote, RotationStepState.Done, null, new { currentFingerprint = current, tokensDropped = true }, actor, ct);
        Notify(o => o.SecretPromoted(run.CredentialId));
    }

    /// <summary>Step 7: resume the schedules this run paused, record time to restore, set the next due date, close the run.</summary>
    public async Task CompleteAsync(long runId, string? notes, StaffActor actor, CancellationToken ct = default)
    {
        var run = await LoadActiveAsync(runId, ct);
        RequireDone(run, RotationSteps.Promote);
        var resumed = await schedules.ResumeAfterRotationAsync(runId, actor, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var resetAt = run.Steps.Single(s => s.Number == RotationSteps.PendingSecret).UpdatedUtc ?? run.StartedUtc;
        var info = (await directory.ListRotationInfoAsync(ct)).FirstOrDefault(i => i.CredentialId == run.CredentialId);
        var nextDue = Utc((info?.LastVerifiedRotationUtc ?? now).AddDays(Math.Max(1, info?.RotationIntervalDays ?? 90)));
        var ttr = (now - resetAt).TotalSeconds;
        await CompleteStepAsync(runId, RotationSteps.Resume, RotationStepState.Done, notes,
            new { resumedScheduleIds = resumed, timeToRestoreSeconds = Math.Round(ttr, 1), nextDueUtc = nextDue }, actor, ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await db.RotationRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, RotationRunState.Completed)
                .SetProperty(r => r.ActiveCredentialId, (long?)null)
                .SetProperty(r => r.FinishedUtc, now)
                .SetProperty(r => r.TimeToRestoreSeconds, ttr)
                .SetProperty(r => r.NextDueUtc, nextDue), ct);
        }

        await audit.RecordAsync(actor, "rotation.complete", "Credential", Id(run.CredentialId), AuditOutcomes.Succeeded, $"run {runId}; time to restore {ttr:0} s", CancellationToken.None);
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

        await secrets.DiscardPendingSecretAsync(run.CredentialId, actor, ct);
        await schedules.ResumeAfterRotationAsync(runId, actor, ct);
        var secretWasReset = run.Steps.Single(s => s.Number == RotationSteps.PendingSecret).State == RotationStepState.Done;

        // Cancelling says "no rotation now". For an urgent run that means the suspicion was dropped (a false alarm, or
        // handled elsewhere): the credential goes back to Active, and the reason for cancelling is in the audit. Only a
        // secret already reset in Procore leaves it Down. A flag that outlived its run would keep alarming with nothing to act on.
        var status = secretWasReset ? CredentialStatus.Down : CredentialStatus.Active;
        await secrets.SetStatusAsync(run.CredentialId, status,
            $"rotation run {runId} cancelled{(run.Urgent && !secretWasReset ? "; suspected-compromise flag cleared" : "")}: {Clean(reason, 300)}", actor, ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.RotationRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.State, RotationRunState.Cancelled)
            .SetProperty(r => r.ActiveCredentialId, (long?)null)
            .SetProperty(r => r.FinishedUtc, now), ct);
        await audit.RecordAsync(actor, "rotation.cancel", "Credential", Id(run.CredentialId), AuditOutcomes.Succeeded, Clean($"run {runId}: {reason}", 500), CancellationToken.None);
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

    private VerificationResult Failed(long id, SecretSlot slot, VerificationOutcome outcome, string summary) =>
        new(id, slot, outcome, summary, time.GetUtcNow().UtcDateTime, [], [], []);

    private static object Evidence(VerificationResult r) => new
    {
        outcome = r.Outcome.ToString(),
        r.Summary,
        r.CheckedUtc,
        slot = r.Slot.ToString(),
        companies = r.Companies.Select(c => new { c.ProcoreCompanyId, outcome = c.Outcome.ToString(), c.StatusCode, c.RequestId }),
        expected = r.ExpectedCompanyIds,
        observed = r.ObservedCompanyIds,
        missing = r.MissingCompanyIds,
        unexpected = r.UnexpectedCompanyIds,
    };

    private static List<JsonElement> EarlierAttempts(string? evidence)
    {
        if (evidence is null)
        {
            return [];
        }

        using var doc = JsonDocument.Parse(evidence);
        return doc.RootElement.TryGetProperty("attempts", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.Clone()).ToList()
            : [];
    }

    private static string? VerifiedFingerprint(RotationRun run)
    {
        var evidence = run.Steps.Single(s => s.Number == RotationSteps.Verify).Evidence;
        if (evidence is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(evidence);
        return doc.RootElement.TryGetProperty("pendingFingerprint", out var fp) ? fp.GetString() : null;
    }

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

    private async Task CompleteStepAsync(long runId, int number, RotationStepState state, string? notes, object? evidence, StaffActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var json = evidence is null ? null : JsonSerializer.Serialize(evidence, Json);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var step = await db.RotationSteps.SingleAsync(s => s.RunId == runId && s.Number == number, ct);
        step.State = state;
        step.UpdatedUtc = now;
        step.ActorIssuer = Clean(actor.Issuer, 400);
        step.ActorSubject = Clean(actor.Subject, 200);
        step.ActorName = Clean(actor.Name, 200);
        step.Notes = string.IsNullOrWhiteSpace(notes) ? step.Notes : Clean(notes, 2000);
        step.Evidence = json;
        audit.Add(db, actor, $"rotation.step.{number}", "RotationRun", Id(runId),
            state is RotationStepState.Failed ? AuditOutcomes.Failed : AuditOutcomes.Succeeded, $"{step.Name}: {state}");
        await db.SaveChangesAsync(ct);
    }

    private async Task ResetStepAsync(long runId, int number, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.RotationSteps.Where(s => s.RunId == runId && s.Number == number && s.State != RotationStepState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, RotationStepState.Pending), ct);
    }

    private async Task RecordStepFailureAsync(long runId, int number, string notes, StaffActor actor)
    {
        try
        {
            await CompleteStepAsync(runId, number, RotationStepState.Failed, notes, null, actor, CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
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

        var errors = new Dictionary<string, string>();
        InputRules.Secret(errors, "Secret", secret.Trim(), required: true);
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

using Hangfire;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Maintenance;

[FeatureContract]
public sealed record JobRunView(long Id, string JobKind, DateTime StartedUtc, DateTime? FinishedUtc, JobRunOutcome Outcome, string? Summary, string? Trigger, long? ScheduleId = null);

[FeatureContract]
public sealed record ScheduleView(
    long Id, string Kind, string Title, string Cron, string TimeZoneId, bool Paused, long? PausedByRotationRunId, long? CredentialId,
    DateTime? NextRunUtc, JobRunView? LastRun, DateTime UpdatedUtc, string? UpdatedBy);

/// <summary>The result of validating a cron + zone: an error, or the next occurrences (UTC) for a preview.</summary>
public sealed record CronPreview(string? Error, IReadOnlyList<DateTime> NextUtc)
{
    public bool IsValid => Error is null;
}

/// <summary>
/// Job-facing schedule operations (no signed-in user: the caller passes the actor). Every change is audited in the same
/// transaction and re-applied to Hangfire at once, so a change takes effect without a restart.
/// </summary>
public sealed class MaintenanceSchedules(IDbContextFactory<AppDbContext> dbFactory, ScheduleRegistrar registrar, AuditTrail audit, TimeProvider time) : ICredentialSchedules
{
    public async Task<IReadOnlyList<ScheduleView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedules = await db.MaintenanceSchedules.AsNoTracking().OrderBy(s => s.Title).ToListAsync(ct);
        var ids = schedules.Select(s => s.Id).ToList();
        // Latest run per schedule in one query.
        var lastRuns = await db.JobRuns.AsNoTracking()
            .Where(r => r.ScheduleId != null && ids.Contains(r.ScheduleId.Value))
            .Where(r => r.Id == db.JobRuns.Where(x => x.ScheduleId == r.ScheduleId).Max(x => x.Id))
            .Select(r => new JobRunView(r.Id, r.JobKind, r.StartedUtc, r.FinishedUtc, r.Outcome, r.Summary, r.Trigger, r.ScheduleId))
            .ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return schedules.Select(s => new ScheduleView(s.Id, s.Kind, s.Title, s.Cron, s.TimeZoneId, s.Paused, s.PausedByRotationRunId, s.CredentialId,
                s.Paused ? null : NextRun(s, now), lastRuns.FirstOrDefault(r => r.ScheduleId == s.Id), s.UpdatedUtc, s.UpdatedBy))
            .ToList();
    }

    public async Task<IReadOnlyList<JobRunView>> HistoryAsync(long scheduleId, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobRuns.AsNoTracking().Where(r => r.ScheduleId == scheduleId)
            .OrderByDescending(r => r.Id)
            .Take(Math.Clamp(take, 1, 500))
            .Select(r => new JobRunView(r.Id, r.JobKind, r.StartedUtc, r.FinishedUtc, r.Outcome, r.Summary, r.Trigger, r.ScheduleId))
            .ToListAsync(ct);
    }

    public CronPreview Preview(string? cron, string? timeZoneId, int count = 5)
    {
        if (!CronSchedule.TryParse(cron, timeZoneId, out var expression, out var zone, out var error))
        {
            return new CronPreview(error, []);
        }

        return new CronPreview(null, CronSchedule.Next(expression!, zone!, time.GetUtcNow().UtcDateTime, count));
    }

    /// <summary>Changes cron and zone. Throws <see cref="ArgumentException"/> with a user-facing message when invalid.</summary>
    public async Task UpdateAsync(long scheduleId, string cron, string timeZoneId, StaffActor actor, CancellationToken ct = default)
    {
        var preview = Preview(cron, timeZoneId);
        if (!preview.IsValid)
        {
            throw new ArgumentException(preview.Error);
        }

        await ChangeAsync(scheduleId, actor, "maintenance.schedule.update", s =>
        {
            s.Cron = cron.Trim();
            s.TimeZoneId = timeZoneId.Trim();
            return $"cron '{s.Cron}' in {s.TimeZoneId}";
        }, ct);
    }

    /// <summary>Ties a schedule to the credential it depends on (or unties it with null): rotating that credential pauses it.</summary>
    public Task SetCredentialAsync(long scheduleId, long? credentialId, string? credentialLabel, StaffActor actor, CancellationToken ct = default) =>
        ChangeAsync(scheduleId, actor, "maintenance.schedule.credential", s =>
        {
            s.CredentialId = credentialId;
            return credentialId is null ? "not tied to a credential" : $"tied to credential {credentialLabel}";
        }, ct);

    public Task PauseAsync(long scheduleId, StaffActor actor, CancellationToken ct = default) =>
        ChangeAsync(scheduleId, actor, "maintenance.schedule.pause", s => { s.Paused = true; return "paused"; }, ct);

    public Task ResumeAsync(long scheduleId, StaffActor actor, CancellationToken ct = default) =>
        ChangeAsync(scheduleId, actor, "maintenance.schedule.resume", s => { s.Paused = false; s.PausedByRotationRunId = null; return "resumed"; }, ct);

    /// <summary>Pauses the running schedules that work on one credential, marking them as paused by the rotation run.</summary>
    public async Task<IReadOnlyList<long>> PauseForRotationAsync(long credentialId, long rotationRunId, StaffActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedules = await db.MaintenanceSchedules.Where(s => s.CredentialId == credentialId && (!s.Paused || s.PausedByRotationRunId == rotationRunId)).ToListAsync(ct);
        foreach (var s in schedules)
        {
            s.Paused = true;
            s.PausedByRotationRunId = rotationRunId;
            s.UpdatedUtc = time.GetUtcNow().UtcDateTime;
            s.UpdatedBy = Who(actor);
            audit.Add(db, actor, "maintenance.schedule.pause", AuditTargets.MaintenanceSchedule, s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AuditOutcomes.Succeeded, $"paused for rotation run {rotationRunId}");
        }

        await db.SaveChangesAsync(ct);
        schedules.ForEach(registrar.Apply);
        return schedules.Select(s => s.Id).ToList();
    }

    /// <summary>Resumes only the schedules that this rotation run paused (idempotent).</summary>
    public async Task<IReadOnlyList<long>> ResumeAfterRotationAsync(long rotationRunId, StaffActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var change = await ResumeAfterRotationAsync(db, rotationRunId, actor, ct);
        await db.SaveChangesAsync(ct);
        change.ApplyAfterCommit();
        return change.ScheduleIds;
    }

    public async Task<ScheduleChange> ResumeAfterRotationAsync(AppDbContext db, long rotationRunId, StaffActor actor, CancellationToken ct)
    {
        var schedules = await db.MaintenanceSchedules.Where(s => s.PausedByRotationRunId == rotationRunId).ToListAsync(ct);
        foreach (var s in schedules)
        {
            s.Paused = false;
            s.PausedByRotationRunId = null;
            s.UpdatedUtc = time.GetUtcNow().UtcDateTime;
            s.UpdatedBy = Who(actor);
            audit.Add(db, actor, "maintenance.schedule.resume", AuditTargets.MaintenanceSchedule, s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AuditOutcomes.Succeeded, $"resumed after rotation run {rotationRunId}");
        }

        return new ScheduleChange(schedules.Select(s => s.Id).ToList(), () => schedules.ForEach(registrar.Apply));
    }

    /// <summary>Schedules that work on a credential (for a rotation's blast radius).</summary>
    public async Task<IReadOnlyList<ScheduleView>> ForCredentialAsync(long credentialId, CancellationToken ct = default) =>
        (await ListAsync(ct)).Where(s => s.CredentialId == credentialId).ToList();

    private async Task ChangeAsync(long scheduleId, StaffActor actor, string action, Func<MaintenanceSchedule, string> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedule = await db.MaintenanceSchedules.SingleOrDefaultAsync(s => s.Id == scheduleId, ct)
            ?? throw new KeyNotFoundException($"Schedule {scheduleId} does not exist.");
        var detail = change(schedule);
        schedule.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        schedule.UpdatedBy = Who(actor);
        audit.Add(db, actor, action, AuditTargets.MaintenanceSchedule, scheduleId.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditOutcomes.Succeeded,
            $"{schedule.Kind}: {detail}");
        await db.SaveChangesAsync(ct);
        registrar.Apply(schedule);
    }

    private static DateTime? NextRun(MaintenanceSchedule s, DateTime now) =>
        CronSchedule.TryParse(s.Cron, s.TimeZoneId, out var e, out var z, out _) ? (CronSchedule.Next(e!, z!, now, 1) is [var next, ..] ? next : default) : null;

    private static string Who(StaffActor actor) => AuditTrail.Clean(actor.Name, 200)!;
}

/// <summary>What the Maintenance page reads and does. Role checks happen here, not only in the page.</summary>
public sealed class MaintenanceService(
    IDbContextFactory<AppDbContext> dbFactory,
    IBackgroundJobClient jobs,
    CurrentStaff staff,
    MaintenanceSchedules schedules,
    AuditTrail audit,
    ICredentialDirectory credentials) : IMaintenanceHistory
{
    /// <summary>Credential sets a schedule can be tied to (retired ones left out).</summary>
    public async Task<IReadOnlyList<CredentialOption>> CredentialOptionsAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read maintenance schedules");
        return (await credentials.ListCredentialsAsync(null, ct)).Where(c => c.Status != ProcoreAdmin.Data.Credentials.CredentialStatus.Retired).ToList();
    }

    public async Task SetScheduleCredentialAsync(long scheduleId, long? credentialId, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "change maintenance schedules");
        string? label = null;
        if (credentialId is { } id)
        {
            label = (await credentials.FindCredentialAsync(id, ct))?.Label ?? throw new ArgumentException("That credential set does not exist.");
        }

        await schedules.SetCredentialAsync(scheduleId, credentialId, label, actor, ct);
    }

    public async Task<IReadOnlyList<JobRunView>> RecentRunsAsync(int take, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read job history");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobRuns.AsNoTracking()
            .OrderByDescending(r => r.StartedUtc).ThenByDescending(r => r.Id)
            .Take(Math.Clamp(take, 1, 500))
            .Select(r => new JobRunView(r.Id, r.JobKind, r.StartedUtc, r.FinishedUtc, r.Outcome, r.Summary, r.Trigger, r.ScheduleId))
            .ToListAsync(ct);
    }

    /// <summary>The latest health check of every credential set.</summary>
    public async Task<IReadOnlyList<HealthCheckView>> LatestHealthChecksAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read health checks");
        return await CheckCredentialHealthJob.LatestAsync(dbFactory, ct);
    }

    public async Task<IReadOnlyList<ScheduleView>> ListSchedulesAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read maintenance schedules");
        return await schedules.ListAsync(ct);
    }

    public async Task<IReadOnlyList<JobRunView>> ScheduleHistoryAsync(long scheduleId, int take = 50, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read job history");
        return await schedules.HistoryAsync(scheduleId, take, ct);
    }

    /// <summary>Validation and the next five occurrences (no change is made).</summary>
    public CronPreview Preview(string? cron, string? timeZoneId) => schedules.Preview(cron, timeZoneId);

    public async Task UpdateScheduleAsync(long scheduleId, string cron, string timeZoneId)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "change maintenance schedules");
        await schedules.UpdateAsync(scheduleId, cron, timeZoneId, actor);
    }

    public async Task PauseAsync(long scheduleId)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "pause maintenance schedules");
        await schedules.PauseAsync(scheduleId, actor);
    }

    public async Task ResumeAsync(long scheduleId)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "resume maintenance schedules");
        await schedules.ResumeAsync(scheduleId, actor);
    }

    /// <summary>
    /// Queues one run of the schedule now and returns its trigger label (how the run is recognised in the history).
    /// Operators and Admins only; the job arguments are the schedule id and that label, never data.
    /// </summary>
    public async Task<string> RunNowAsync(long scheduleId)
    {
        var actor = await staff.RequireAsync(StaffRoles.Operator, "run jobs");
        // The label names the person in plain words on the history (the audit row keeps issuer + subject).
        var name = string.IsNullOrWhiteSpace(actor.Name) || actor.Name == "unknown" ? actor.Subject : actor.Name.Replace(':', ' ');
        var who = name.Length > 60 ? name[..60] : name;
        var trigger = $"manual:{who}:{Guid.NewGuid().ToString("N")[..8]}";
        jobs.Enqueue<ScheduledJobRunner>(j => j.RunAsync(scheduleId, trigger, CancellationToken.None));
        await audit.RecordAsync(actor, "maintenance.schedule.run-now", AuditTargets.MaintenanceSchedule,
            scheduleId.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditOutcomes.Succeeded, $"{JobTriggerText.For(trigger)} (run {trigger[(trigger.LastIndexOf(':') + 1)..]})");
        return trigger;
    }
}

using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Maintenance;

// The Maintenance feature's surface for other features (Rotation, Dashboard). Schedules, the runner and the run
// history tables stay internal.

/// <summary>The schedules tied to a credential, as a rotation needs them (job-facing: the caller checked roles).</summary>
[FeatureContract]
public interface ICredentialSchedules
{
    /// <summary>Schedules that work on a credential (for a rotation's blast radius).</summary>
    Task<IReadOnlyList<ScheduleView>> ForCredentialAsync(long credentialId, CancellationToken ct = default);

    /// <summary>Pauses the running schedules that work on one credential, marking them as paused by the rotation run; audited.</summary>
    Task<IReadOnlyList<long>> PauseForRotationAsync(long credentialId, long rotationRunId, StaffActor actor, CancellationToken ct = default);

    /// <summary>Resumes only the schedules that this rotation run paused (idempotent); audited.</summary>
    Task<IReadOnlyList<long>> ResumeAfterRotationAsync(long rotationRunId, StaffActor actor, CancellationToken ct = default);

    /// <summary>
    /// As <see cref="ResumeAfterRotationAsync(long, StaffActor, CancellationToken)"/>, inside the caller's unit of work: the
    /// changes and audit rows go into <paramref name="db"/>; the caller saves, commits, then calls
    /// <see cref="ScheduleChange.ApplyAfterCommit"/> (Hangfire's recurring jobs follow the committed rows).
    /// </summary>
    Task<ScheduleChange> ResumeAfterRotationAsync(ProcoreAdmin.Data.AppDbContext db, long rotationRunId, StaffActor actor, CancellationToken ct);
}

/// <summary>Schedules changed in a caller's unit of work, and what to do once it committed.</summary>
[FeatureContract]
public sealed record ScheduleChange(IReadOnlyList<long> ScheduleIds, Action ApplyAfterCommit);

/// <summary>Recent job runs and the latest health checks (Viewer), for the dashboard.</summary>
[FeatureContract]
public interface IMaintenanceHistory
{
    Task<IReadOnlyList<JobRunView>> RecentRunsAsync(int take, CancellationToken ct = default);

    /// <summary>The latest health check of every credential set.</summary>
    Task<IReadOnlyList<HealthCheckView>> LatestHealthChecksAsync(CancellationToken ct = default);
}

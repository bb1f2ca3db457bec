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
}

/// <summary>Recent job runs and the latest health checks (Viewer), for the dashboard.</summary>
[FeatureContract]
public interface IMaintenanceHistory
{
    Task<IReadOnlyList<JobRunView>> RecentRunsAsync(int take, CancellationToken ct = default);

    /// <summary>The latest health check of every credential set.</summary>
    Task<IReadOnlyList<HealthCheckView>> LatestHealthChecksAsync(CancellationToken ct = default);
}

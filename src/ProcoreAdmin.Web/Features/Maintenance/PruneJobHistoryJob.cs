using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;

namespace ProcoreAdmin.Web.Features.Maintenance;

/// <summary>
/// Housekeeping: deletes our own job-run history and read notifications (with their deliveries) older than the
/// retention period, in set-based statements. Audit rows are append-only and never touched.
/// Runs through <see cref="ScheduledJobRunner"/>, which records the run.
/// </summary>
public sealed class PruneJobHistoryJob(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, IOptions<MaintenanceOptions> options)
{
    public const string Kind = MaintenanceJobKinds.Housekeeping;

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.JobHistoryRetention;
        var cutoff = time.GetUtcNow().UtcDateTime - retention;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deleted = await db.JobRuns.Where(r => r.StartedUtc < cutoff && r.FinishedUtc != null).ExecuteDeleteAsync(cancellationToken);
        var notifications = await db.Notifications.Where(n => n.ReadUtc != null && n.CreatedUtc < cutoff
                && !db.RotationReminders.Any(r => r.NotificationId == n.Id))
            .ExecuteDeleteAsync(cancellationToken);
        return $"Removed {deleted} job run(s) and {notifications} read notification(s) older than {retention.TotalDays:0} days.";
    }
}

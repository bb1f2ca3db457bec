using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;

namespace ProcoreAdmin.Web.Features.Maintenance;

/// <summary>
/// Housekeeping: deletes our own job-run history older than the retention period, in one set-based statement.
/// Records its own run like every job.
/// </summary>
public sealed class PruneJobHistoryJob(JobRunRecorder recorder, IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, Microsoft.Extensions.Options.IOptions<MaintenanceOptions> options)
{
    public const string Kind = "prune-job-history";

    public Task RunAsync(string trigger, CancellationToken cancellationToken) =>
        recorder.RunAsync(Kind, trigger, async ct =>
        {
            var cutoff = time.GetUtcNow().UtcDateTime - options.Value.JobHistoryRetention;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var deleted = await db.JobRuns.Where(r => r.StartedUtc < cutoff).ExecuteDeleteAsync(ct);
            return $"Removed {deleted} job run(s) older than {options.Value.JobHistoryRetention.TotalDays:0} days.";
        }, cancellationToken);
}

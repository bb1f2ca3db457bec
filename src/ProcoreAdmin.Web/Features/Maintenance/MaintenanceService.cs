using Hangfire;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Maintenance;

public sealed record JobRunView(long Id, string JobKind, DateTime StartedUtc, DateTime? FinishedUtc, JobRunOutcome Outcome, string? Summary, string? Trigger);

/// <summary>What the Maintenance page reads and does. Role checks happen here, not only in the page.</summary>
public sealed class MaintenanceService(IDbContextFactory<AppDbContext> dbFactory, IBackgroundJobClient jobs, CurrentStaff staff)
{
    public async Task<IReadOnlyList<JobRunView>> RecentRunsAsync(int take, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read job history");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobRuns.AsNoTracking()
            .OrderByDescending(r => r.StartedUtc).ThenByDescending(r => r.Id)
            .Take(Math.Clamp(take, 1, 500))
            .Select(r => new JobRunView(r.Id, r.JobKind, r.StartedUtc, r.FinishedUtc, r.Outcome, r.Summary, r.Trigger))
            .ToListAsync(ct);
    }

    /// <summary>Queues the housekeeping job now. Operators and Admins only; the job argument is a label, never data.</summary>
    public async Task<string> RunHousekeepingNowAsync()
    {
        var actor = await staff.RequireAsync(StaffRoles.Operator, "run jobs");
        return jobs.Enqueue<PruneJobHistoryJob>(j => j.RunAsync($"manual:{actor.Subject}", CancellationToken.None));
    }
}

using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Maintenance;

namespace ProcoreAdmin.Web.Shared;

/// <summary>Wraps a job body with a row in our own run history: started, then succeeded or failed with a summary.</summary>
public sealed partial class JobRunRecorder(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, ILogger<JobRunRecorder> logger)
{
    public Task RunAsync(string kind, string trigger, Func<CancellationToken, Task<string>> body, CancellationToken cancellationToken) =>
        RunAsync(kind, trigger, null, body, cancellationToken);

    public async Task RunAsync(string kind, string trigger, long? scheduleId, Func<CancellationToken, Task<string>> body, CancellationToken cancellationToken)
    {
        var run = new JobRun { JobKind = kind, Trigger = trigger, ScheduleId = scheduleId, StartedUtc = time.GetUtcNow().UtcDateTime, Outcome = JobRunOutcome.Running };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.JobRuns.Add(run);
            await db.SaveChangesAsync(cancellationToken);
        }

        string summary;
        JobRunOutcome outcome;
        try
        {
            summary = await body(cancellationToken);
            outcome = JobRunOutcome.Succeeded;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogJobFailed(logger, kind, ex.GetType().Name);
            summary = ex is MaintenanceJobException known ? $"Failed: {known.Message}" : $"Failed: {ex.GetType().Name}";
            outcome = JobRunOutcome.Failed;
            await FinishAsync(run.Id, outcome, summary);
            throw;
        }

        await FinishAsync(run.Id, outcome, summary);
    }

    /// <summary>Records a run that did not start (e.g. the schedule was paused when its occurrence fired).</summary>
    public async Task RecordSkippedAsync(string kind, string trigger, long? scheduleId, string summary, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.JobRuns.Add(new JobRun { JobKind = kind, Trigger = trigger, ScheduleId = scheduleId, StartedUtc = now, FinishedUtc = now, Outcome = JobRunOutcome.Skipped, Summary = summary });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task FinishAsync(long id, JobRunOutcome outcome, string summary)
    {
        var finished = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.JobRuns.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.FinishedUtc, finished)
            .SetProperty(r => r.Outcome, outcome)
            .SetProperty(r => r.Summary, summary));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Kind} failed with {ExceptionType}")]
    private static partial void LogJobFailed(ILogger logger, string kind, string exceptionType);
}

/// <summary>A job failure whose message is safe to show in the run history (no secret, token or exception detail).</summary>
public sealed class MaintenanceJobException(string message) : Exception(message);

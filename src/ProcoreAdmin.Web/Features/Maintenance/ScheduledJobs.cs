using Cronos;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Maintenance;

namespace ProcoreAdmin.Web.Features.Maintenance;

/// <summary>Cron + time-zone rules shared by validation, preview, the page and Hangfire registration.</summary>
public static class CronSchedule
{
    public static bool TryParse(string? cron, string? timeZoneId, out CronExpression? expression, out TimeZoneInfo? zone, out string? error)
    {
        expression = null;
        zone = null;
        if (string.IsNullOrWhiteSpace(cron) || !CronExpression.TryParse(cron.Trim(), CronFormat.Standard, out expression))
        {
            error = "Enter a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. '0 6 * * 1'.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(timeZoneId) || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId.Trim(), out zone))
        {
            error = "Enter a known time zone id, e.g. 'UTC', 'Europe/Berlin' or 'America/New_York'.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The next <paramref name="count"/> occurrences after <paramref name="fromUtc"/>, in UTC (DST handled by Cronos).</summary>
    public static IReadOnlyList<DateTime> Next(CronExpression expression, TimeZoneInfo zone, DateTime fromUtc, int count)
    {
        var result = new List<DateTime>(count);
        var from = DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc);
        while (result.Count < count)
        {
            var next = expression.GetNextOccurrence(from, zone);
            if (next is null)
            {
                break;
            }

            result.Add(next.Value);
            from = next.Value;
        }

        return result;
    }
}

/// <summary>
/// The Hangfire entry point for every schedule: arguments are the schedule id and a trigger label, never data.
/// No automatic retry: a failed run is recorded and the next occurrence (or "Run now") tries again.
/// </summary>
public sealed class ScheduledJobRunner(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<ScheduledJobDefinition> definitions,
    IServiceScopeFactory scopes,
    JobRunRecorder recorder)
{
    public const string ScheduleTrigger = "schedule";

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(long scheduleId, string trigger, CancellationToken cancellationToken)
    {
        MaintenanceSchedule? schedule;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            schedule = await db.MaintenanceSchedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == scheduleId, cancellationToken);
        }

        if (schedule is null)
        {
            return;
        }

        if (schedule.Paused && trigger == ScheduleTrigger)
        {
            await recorder.RecordSkippedAsync(schedule.Kind, trigger, schedule.Id, "Skipped: the schedule is paused.", cancellationToken);
            return;
        }

        var definition = definitions.LastOrDefault(d => d.Kind == schedule.Kind);
        await recorder.RunAsync(schedule.Kind, trigger, schedule.Id, async ct =>
        {
            if (definition is null)
            {
                throw new MaintenanceJobException($"No job is installed for the kind '{schedule.Kind}' in this build.");
            }

            await using var scope = scopes.CreateAsyncScope();
            return await definition.Run(scope.ServiceProvider, ct);
        }, cancellationToken);
    }
}

/// <summary>Keeps Hangfire's recurring jobs equal to our schedule rows (ids <c>maintenance:{kind}</c>; paused → removed).</summary>
public sealed class ScheduleRegistrar(IRecurringJobManager recurringJobs)
{
    public static string RecurringJobId(string kind) => $"maintenance:{kind}";

    public void Apply(MaintenanceSchedule schedule)
    {
        var id = RecurringJobId(schedule.Kind);
        if (schedule.Paused || !CronSchedule.TryParse(schedule.Cron, schedule.TimeZoneId, out _, out var zone, out _))
        {
            recurringJobs.RemoveIfExists(id);
            return;
        }

        var scheduleId = schedule.Id;
        recurringJobs.AddOrUpdate<ScheduledJobRunner>(id,
            runner => runner.RunAsync(scheduleId, ScheduledJobRunner.ScheduleTrigger, CancellationToken.None),
            schedule.Cron,
            new RecurringJobOptions { TimeZone = zone! });
    }
}

/// <summary>At start-up: seeds a schedule row for every job kind that has none, then registers every row with Hangfire.</summary>
internal sealed partial class ScheduleStartup(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<ScheduledJobDefinition> definitions,
    ScheduleRegistrar registrar,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<MaintenanceOptions> options,
    ILogger<ScheduleStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.MaintenanceSchedules.Select(s => s.Kind).ToListAsync(cancellationToken);
        foreach (var definition in definitions.DistinctBy(d => d.Kind).Where(d => !existing.Contains(d.Kind)))
        {
            db.MaintenanceSchedules.Add(new MaintenanceSchedule
            {
                Kind = definition.Kind,
                Title = definition.Title,
                Cron = definition.Kind == MaintenanceJobKinds.Housekeeping ? options.Value.HousekeepingCron : definition.DefaultCron,
                TimeZoneId = "UTC",
                UpdatedUtc = time.GetUtcNow().UtcDateTime,
                UpdatedBy = "seed",
            });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance seeded the same kinds at the same moment (unique Kind); its rows are used below.
            LogSeedRace(logger);
        }

        await using var read = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var schedule in await read.MaintenanceSchedules.AsNoTracking().ToListAsync(cancellationToken))
        {
            registrar.Apply(schedule);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule seeding raced with another instance; using the stored rows")]
    private static partial void LogSeedRace(ILogger logger);
}

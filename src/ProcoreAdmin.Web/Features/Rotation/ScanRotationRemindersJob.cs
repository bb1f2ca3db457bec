using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Notifications;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>Where a credential stands against its rotation due date (calendar days in the reminder zone).</summary>
public sealed record RotationDue(long CredentialId, string Label, DateOnly DueDate, DateTime DueUtc, int DaysLeft, string? Stage);

/// <summary>Pure due-date arithmetic, shared by the scan, the Rotation page and the dashboard.</summary>
public static class RotationSchedule
{
    public const string Overdue = "overdue";
    public const string DueToday = "due";

    /// <summary>
    /// Due = last verified rotation (or creation) + interval. Days left are counted between calendar dates in
    /// <paramref name="zone"/>, so DST changes and the hour of the scan do not move a reminder to another day.
    /// The stage is the most urgent configured one the credential has reached: e.g. 20 days left → T-30.
    /// </summary>
    public static RotationDue Evaluate(CredentialRotationInfo info, DateTime nowUtc, TimeZoneInfo zone, IReadOnlyList<int> stagesDays)
    {
        var anchorUtc = DateTime.SpecifyKind(info.LastVerifiedRotationUtc ?? info.CreatedUtc, DateTimeKind.Utc);
        var dueUtc = anchorUtc.AddDays(Math.Max(1, info.RotationIntervalDays));
        var dueDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(dueUtc, zone));
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), zone));
        var daysLeft = dueDate.DayNumber - today.DayNumber;
        string? stage = daysLeft < 0 ? Overdue
            : daysLeft == 0 ? DueToday
            : stagesDays.Where(s => s > 0 && daysLeft <= s).Order().Select(s => $"T-{s.ToString(CultureInfo.InvariantCulture)}").FirstOrDefault();
        if (daysLeft == 0 && !stagesDays.Contains(0))
        {
            stage = stagesDays.Where(s => s > 0).Order().Select(s => $"T-{s.ToString(CultureInfo.InvariantCulture)}").FirstOrDefault();
        }

        return new RotationDue(info.CredentialId, info.Label, dueDate, dueUtc, daysLeft, stage);
    }

    public static bool IsWatched(CredentialStatus status) => status is not (CredentialStatus.Retired);
}

/// <summary>
/// The rotation reminder scan: reads rotation metadata only (no secret is decrypted), creates one reminder per
/// credential × stage × due date with its notification and outbox deliveries in one transaction, then kicks delivery.
/// Exactly-once comes from the unique index on (credential, stage, due date): a second run, a retry or a second
/// instance that races this one fails its insert and, on the re-read, finds nothing left to create.
/// </summary>
public sealed partial class ScanRotationRemindersJob(
    ICredentialDirectory directory,
    IDbContextFactory<AppDbContext> dbFactory,
    INotificationPublisher notifications,
    IOptionsMonitor<RotationOptions> options,
    TimeProvider time,
    ILogger<ScanRotationRemindersJob> logger)
{
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(o.ReminderTimeZone);
        var now = time.GetUtcNow().UtcDateTime;
        var infos = await directory.ListRotationInfoAsync(cancellationToken);
        var due = infos.Where(i => RotationSchedule.IsWatched(i.Status))
            .Select(i => (Info: i, Due: RotationSchedule.Evaluate(i, now, zone, o.StagesDays)))
            .Where(x => x.Due.Stage is not null)
            .ToList();
        if (due.Count == 0)
        {
            return $"Scanned {infos.Count} credential set(s); no reminder due.";
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var created = await CreateMissingAsync(due, cancellationToken);
                if (created > 0)
                {
                    notifications.KickDelivery();
                }

                return $"Scanned {infos.Count} credential set(s); {due.Count} at a reminder stage; {created} new reminder(s).";
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another run inserted some of the same reminders first; re-read and create only what is still missing.
                LogRace(logger, attempt);
            }
        }
    }

    private async Task<int> CreateMissingAsync(List<(CredentialRotationInfo Info, RotationDue Due)> due, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var minDate = due.Min(d => d.Due.DueDate);
        // One query for the existing reminders of every candidate due date (keys only).
        var existing = (await db.RotationReminders.AsNoTracking()
                .Where(r => r.DueDate >= minDate)
                .Select(r => new { r.CredentialId, r.Stage, r.DueDate })
                .ToListAsync(ct))
            .Select(r => (r.CredentialId, r.Stage, r.DueDate))
            .ToHashSet();
        var missing = due.Where(d => !existing.Contains((d.Info.CredentialId, d.Due.Stage!, d.Due.DueDate))).ToList();
        if (missing.Count == 0)
        {
            return 0;
        }

        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (info, d) in missing)
        {
            var notification = notifications.Add(db, Draft(info, d));
            db.RotationReminders.Add(new RotationReminder
            {
                CredentialId = info.CredentialId, Stage = d.Stage!, DueDate = d.DueDate, CreatedUtc = now, Notification = notification,
            });
        }

        // One SaveChanges = one transaction: reminders, notifications and outbox rows commit together or not at all.
        await db.SaveChangesAsync(ct);
        return missing.Count;
    }

    public static NotificationDraft Draft(CredentialRotationInfo info, RotationDue d)
    {
        var date = d.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var (severity, title) = d.Stage switch
        {
            RotationSchedule.Overdue => (NotificationSeverity.Error, $"Rotation overdue: {info.Label}"),
            RotationSchedule.DueToday => (NotificationSeverity.Warning, $"Rotation due today: {info.Label}"),
            _ => (d.DaysLeft <= 7 ? NotificationSeverity.Warning : NotificationSeverity.Info, $"Rotation due in {d.DaysLeft} day(s): {info.Label}"),
        };
        var last = info.LastVerifiedRotationUtc is { } l ? $"last verified rotation {l:yyyy-MM-dd}" : "never rotated (counted from registration)";
        var body = $"Credential set #{info.CredentialId} \"{info.Label}\" ({info.Environment}) is due for secret rotation on {date} " +
                   $"({last}, interval {info.RotationIntervalDays} days). Start the rotation checklist on the Rotation page.";
        var owners = RotationEngine.Owners(info.Owners);
        return new NotificationDraft("rotation-reminder", severity, title, body, info.CredentialId, Recipients: owners);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder scan raced with another run (attempt {Attempt}); re-reading")]
    private static partial void LogRace(ILogger logger, int attempt);
}

using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Notifications;

namespace ProcoreAdmin.Web.Features.Notifications;

/// <summary>What to tell staff. Names, ids and dates only: never a secret, token or full client secret.</summary>
[FeatureContract]
public sealed record NotificationDraft(
    string Kind,
    NotificationSeverity Severity,
    string Title,
    string Body,
    long? CredentialId = null,
    long? RotationRunId = null,
    IReadOnlyList<string>? Recipients = null,
    string? DedupKey = null);

/// <summary>
/// Raises notifications: the in-app row plus one outbox delivery per enabled channel, in one transaction, then
/// asks the delivery job to run. Job-facing (no user): callers are jobs and services that already checked roles.
/// </summary>
public sealed class NotificationCenter(
    IDbContextFactory<AppDbContext> dbFactory,
    IBackgroundJobClient jobs,
    IOptionsMonitor<NotificationsOptions> options,
    TimeProvider time) : INotificationPublisher
{
    /// <summary>Adds the notification and its deliveries to <paramref name="db"/>; the caller saves (same transaction).</summary>
    public Notification Add(AppDbContext db, NotificationDraft draft)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var notification = new Notification
        {
            Kind = draft.Kind,
            Severity = draft.Severity,
            Title = Trim(draft.Title, 300),
            Body = Trim(draft.Body, 4000),
            CredentialId = draft.CredentialId,
            RotationRunId = draft.RotationRunId,
            Recipients = draft.Recipients is { Count: > 0 } r ? Trim(string.Join(',', r.Where(x => x.Contains('@', StringComparison.Ordinal))), 1000) : null,
            CreatedUtc = now,
            DedupKey = draft.DedupKey,
        };
        var o = options.CurrentValue;
        if (o.Email.Enabled)
        {
            notification.Deliveries.Add(new NotificationDelivery { Channel = DeliveryChannel.Email, Status = DeliveryStatus.Pending, NextAttemptUtc = now });
        }

        if (o.Webhook.Enabled)
        {
            notification.Deliveries.Add(new NotificationDelivery { Channel = DeliveryChannel.Webhook, Status = DeliveryStatus.Pending, NextAttemptUtc = now });
        }

        db.Notifications.Add(notification);
        return notification;
    }

    /// <summary>
    /// Raises one notification in its own transaction. Returns false (and changes nothing) when a notification with the
    /// same dedup key exists: the unique index decides, so two instances cannot raise it twice.
    /// </summary>
    public async Task<bool> AddUnlessRaisedAsync(AppDbContext db, NotificationDraft draft, CancellationToken ct = default)
    {
        if (draft.DedupKey is not null && await db.Notifications.AnyAsync(n => n.DedupKey == draft.DedupKey, ct))
        {
            return false;
        }

        Add(db, draft);
        return true;
    }

    public async Task<bool> RaiseAsync(NotificationDraft draft, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await AddUnlessRaisedAsync(db, draft, ct))
        {
            return false;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (draft.DedupKey is not null)
        {
            return false;
        }

        KickDelivery();
        return true;
    }

    /// <summary>Queues the delivery job now (the schedule also runs it every minute for retries).</summary>
    public void KickDelivery()
    {
        var o = options.CurrentValue;
        if (o.Email.Enabled || o.Webhook.Enabled)
        {
            jobs.Enqueue<DeliverNotificationsJob>(j => j.RunAsync(CancellationToken.None));
        }
    }

    private static string Trim(string value, int max) => value.Length > max ? value[..max] : value;
}

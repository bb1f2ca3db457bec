using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Notifications;

namespace ProcoreAdmin.Web.Features.Notifications;

/// <summary>What a channel sends: built from the stored notification (names, ids, dates), never from secrets.</summary>
public sealed record NotificationMessage(long NotificationId, long DeliveryId, string Kind, NotificationSeverity Severity, string Title, string Body,
    long? CredentialId, DateTime CreatedUtc, IReadOnlyList<string> Recipients, string? Link);

public interface INotificationChannel
{
    DeliveryChannel Channel { get; }

    Task SendAsync(NotificationMessage message, CancellationToken ct);
}

/// <summary>A delivery failure whose message is safe to store and show (no secret, no server response body).</summary>
public sealed class NotificationDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Sends pending outbox rows. Guarantee: a row is claimed atomically (a conditional UPDATE with a lease token), so two
/// workers or instances never send the same row at once; it is sent once unless the process dies between the send and
/// the "sent" mark, in which case the lease expires and it is sent again (at-least-once). Receivers can de-duplicate:
/// e-mails carry a stable Message-Id and webhooks an <c>X-ProcoreAdmin-Delivery</c> id. Failures back off exponentially
/// up to <see cref="NotificationsOptions.MaxDeliveryAttempts"/>, then the row is Failed and shown on the notifications page.
/// </summary>
public sealed partial class DeliverNotificationsJob(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<INotificationChannel> channels,
    IOptionsMonitor<NotificationsOptions> options,
    TimeProvider time,
    ILogger<DeliverNotificationsJob> logger)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private const int BatchSize = 50;

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = Guid.NewGuid();
        int claimed;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var due = await db.NotificationDeliveries.AsNoTracking()
                .Where(d => (d.Status == DeliveryStatus.Pending && d.NextAttemptUtc <= now) || (d.Status == DeliveryStatus.Sending && d.LeaseUntilUtc < now))
                .OrderBy(d => d.Id).Select(d => d.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                return "Nothing to deliver.";
            }

            var leaseUntil = now + options.CurrentValue.DeliveryLease;
            claimed = await db.NotificationDeliveries
                .Where(d => due.Contains(d.Id))
                .Where(d => (d.Status == DeliveryStatus.Pending && d.NextAttemptUtc <= now) || (d.Status == DeliveryStatus.Sending && d.LeaseUntilUtc < now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, DeliveryStatus.Sending)
                    .SetProperty(d => d.LeaseToken, token)
                    .SetProperty(d => d.LeaseUntilUtc, leaseUntil)
                    .SetProperty(d => d.Attempts, d => d.Attempts + 1), cancellationToken);
        }

        if (claimed == 0)
        {
            return "Nothing to deliver (claimed elsewhere).";
        }

        List<(NotificationDelivery Delivery, Notification Notification)> work;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            work = (await db.NotificationDeliveries.AsNoTracking().Include(d => d.Notification)
                    .Where(d => d.LeaseToken == token).ToListAsync(cancellationToken))
                .Select(d => (d, d.Notification!)).ToList();
        }

        var o = options.CurrentValue;
        int sent = 0, failed = 0;
        foreach (var (delivery, notification) in work)
        {
            var channel = channels.LastOrDefault(c => c.Channel == delivery.Channel);
            string? error = null;
            try
            {
                if (channel is null)
                {
                    throw new NotificationDeliveryException($"The {delivery.Channel} channel is not configured.");
                }

                await channel.SendAsync(ToMessage(delivery, notification, o), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = ex is NotificationDeliveryException ? ex.Message : $"{ex.GetType().Name} while sending.";
                LogDeliveryFailed(logger, delivery.Id, delivery.Channel, error);
            }

            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var at = time.GetUtcNow().UtcDateTime;
            if (error is null)
            {
                sent++;
                await db.NotificationDeliveries.Where(d => d.Id == delivery.Id && d.LeaseToken == token)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Sent).SetProperty(d => d.SentUtc, at)
                        .SetProperty(d => d.LeaseToken, (Guid?)null).SetProperty(d => d.LeaseUntilUtc, (DateTime?)null).SetProperty(d => d.LastError, (string?)null), CancellationToken.None);
            }
            else
            {
                failed++;
                var attempts = delivery.Attempts; // already counted by the claim
                var giveUp = attempts >= o.MaxDeliveryAttempts;
                var next = at + TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, attempts - 1)));
                var message = error.Length > 1000 ? error[..1000] : error;
                await db.NotificationDeliveries.Where(d => d.Id == delivery.Id && d.LeaseToken == token)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, giveUp ? DeliveryStatus.Failed : DeliveryStatus.Pending)
                        .SetProperty(d => d.NextAttemptUtc, next).SetProperty(d => d.LastError, message)
                        .SetProperty(d => d.LeaseToken, (Guid?)null).SetProperty(d => d.LeaseUntilUtc, (DateTime?)null), CancellationToken.None);
            }
        }

        return $"Delivered {sent}, failed {failed}.";
    }

    private static NotificationMessage ToMessage(NotificationDelivery delivery, Notification n, NotificationsOptions o)
    {
        var recipients = o.DefaultRecipients
            .Concat((n.Recipients ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var link = string.IsNullOrWhiteSpace(o.AppBaseUrl) ? null
            : n.RotationRunId is { } run ? $"{o.AppBaseUrl.TrimEnd('/')}/rotation/{run}" : $"{o.AppBaseUrl.TrimEnd('/')}/notifications";
        return new NotificationMessage(n.Id, delivery.Id, n.Kind, n.Severity, n.Title, n.Body, n.CredentialId, n.CreatedUtc, recipients, link);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification delivery {DeliveryId} over {Channel} failed: {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, long deliveryId, DeliveryChannel channel, string error);
}

namespace ProcoreAdmin.Web.Features.Notifications;

// The Notifications feature's surface for other features (Maintenance, Rotation, Dashboard). They raise and read
// notifications through these; the notification tables, channels and delivery job stay internal.

/// <summary>Raises notifications (job-facing, no user): the in-app row plus its deliveries, in one transaction.</summary>
[FeatureContract]
public interface INotificationPublisher
{
    /// <summary>Adds the notification and its deliveries to <paramref name="db"/>; the caller saves (same transaction as its change).</summary>
    ProcoreAdmin.Data.Notifications.Notification Add(ProcoreAdmin.Data.AppDbContext db, NotificationDraft draft);

    /// <summary>
    /// Adds the notification to <paramref name="db"/> like <see cref="Add"/>, unless one with the same dedup key was already
    /// raised (then false, nothing added); the caller saves (same transaction as its change).
    /// </summary>
    Task<bool> AddUnlessRaisedAsync(ProcoreAdmin.Data.AppDbContext db, NotificationDraft draft, CancellationToken ct = default);

    /// <summary>Saves one notification on its own and asks for delivery; false when one with the same dedup key exists.</summary>
    Task<bool> RaiseAsync(NotificationDraft draft, CancellationToken ct = default);

    /// <summary>Asks the delivery job to run now (after the caller saved notifications added with <see cref="Add"/>).</summary>
    void KickDelivery();
}

/// <summary>The signed-in staff member's unread notifications (Viewer), for the dashboard.</summary>
[FeatureContract]
public interface INotificationInbox
{
    Task<int> UnreadCountAsync(CancellationToken ct = default);

    Task<IReadOnlyList<NotificationView>> ListAsync(bool unreadOnly, int take = 100, CancellationToken ct = default);
}

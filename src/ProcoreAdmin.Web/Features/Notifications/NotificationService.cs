using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Notifications;

public sealed record DeliveryView(long Id, DeliveryChannel Channel, DeliveryStatus Status, int Attempts, DateTime? SentUtc, DateTime NextAttemptUtc, string? LastError);

[FeatureContract]
public sealed record NotificationView(long Id, string Kind, NotificationSeverity Severity, string Title, string Body, long? CredentialId, long? RotationRunId,
    DateTime CreatedUtc, DateTime? ReadUtc, IReadOnlyList<DeliveryView> Deliveries);

/// <summary>
/// The in-app inbox and delivery status. Notifications are shared by all staff; read state is per person
/// (issuer + subject), so each person has their own unread count. Role-checked.
/// </summary>
public sealed class NotificationService(IDbContextFactory<AppDbContext> dbFactory, CurrentStaff staff, NotificationCenter center, TimeProvider time) : INotificationInbox
{
    public async Task<int> UnreadCountAsync(CancellationToken ct = default)
    {
        var reader = ReaderKey(await staff.RequireAsync(StaffRoles.Viewer, "read notifications"));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Unread(db, reader).CountAsync(ct);
    }

    public async Task<IReadOnlyList<NotificationView>> ListAsync(bool unreadOnly, int take = 100, CancellationToken ct = default)
    {
        var reader = ReaderKey(await staff.RequireAsync(StaffRoles.Viewer, "read notifications"));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = unreadOnly ? Unread(db, reader) : db.Notifications.AsNoTracking();

        return await query.OrderByDescending(n => n.Id).Take(Math.Clamp(take, 1, 500))
            .Select(n => new NotificationView(n.Id, n.Kind, n.Severity, n.Title, n.Body, n.CredentialId, n.RotationRunId, n.CreatedUtc,
                db.NotificationReads.Where(r => r.NotificationId == n.Id && r.ReaderKey == reader).Select(r => (DateTime?)r.ReadUtc).FirstOrDefault(),
                n.Deliveries.OrderBy(d => d.Channel).Select(d => new DeliveryView(d.Id, d.Channel, d.Status, d.Attempts, d.SentUtc, d.NextAttemptUtc, d.LastError)).ToList()))
            .ToListAsync(ct);
    }

    /// <summary>Raised in this circuit after the reader marked notifications read (the bell updates at once).</summary>
    public event Action? ReadStateChanged;

    public async Task MarkReadAsync(long id, CancellationToken ct = default)
    {
        var reader = ReaderKey(await staff.RequireAsync(StaffRoles.Viewer, "read notifications"));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await MarkAsync(db, reader, await Unread(db, reader).Where(n => n.Id == id).Select(n => n.Id).ToListAsync(ct), ct);
        ReadStateChanged?.Invoke();
    }

    public async Task<int> MarkAllReadAsync(CancellationToken ct = default)
    {
        var reader = ReaderKey(await staff.RequireAsync(StaffRoles.Viewer, "read notifications"));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = await Unread(db, reader).Select(n => n.Id).ToListAsync(ct);
        await MarkAsync(db, reader, ids, ct);
        ReadStateChanged?.Invoke();
        return ids.Count;
    }

    /// <summary>The reader's key: a hash of issuer + subject (fixed length, no personal data in the table).</summary>
    public static string ReaderKey(StaffActor actor) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{actor.Issuer}\n{actor.Subject}")));

    private static IQueryable<Notification> Unread(AppDbContext db, string reader) =>
        db.Notifications.AsNoTracking().Where(n => !db.NotificationReads.Any(r => r.NotificationId == n.Id && r.ReaderKey == reader));

    /// <summary>Records the reads; <c>Notification.ReadUtc</c> keeps the first read by anyone (housekeeping prunes read ones).</summary>
    private async Task MarkAsync(AppDbContext db, string reader, List<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.NotificationReads.AddRange(ids.Select(id => new NotificationRead { NotificationId = id, ReaderKey = reader, ReadUtc = now }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same person marked it read in another tab at the same moment: the read is recorded either way.
            return;
        }

        await db.Notifications.Where(n => ids.Contains(n.Id) && n.ReadUtc == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadUtc, now), ct);
    }

    /// <summary>Puts a failed delivery back in the outbox (Operator) and runs the delivery job.</summary>
    public async Task RetryDeliveryAsync(long deliveryId, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Operator, "retry notification deliveries");
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.NotificationDeliveries.Where(d => d.Id == deliveryId && d.Status == DeliveryStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.NextAttemptUtc, now).SetProperty(d => d.Attempts, 0), ct);
        center.KickDelivery();
    }
}

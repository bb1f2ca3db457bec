using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Notifications;

public sealed record DeliveryView(long Id, DeliveryChannel Channel, DeliveryStatus Status, int Attempts, DateTime? SentUtc, DateTime NextAttemptUtc, string? LastError);

public sealed record NotificationView(long Id, string Kind, NotificationSeverity Severity, string Title, string Body, long? CredentialId, long? RotationRunId,
    DateTime CreatedUtc, DateTime? ReadUtc, IReadOnlyList<DeliveryView> Deliveries);

/// <summary>The in-app inbox (shared by all staff: read by one is read for all) and delivery status. Role-checked.</summary>
public sealed class NotificationService(IDbContextFactory<AppDbContext> dbFactory, CurrentStaff staff, NotificationCenter center, TimeProvider time)
{
    public async Task<int> UnreadCountAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read notifications");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.CountAsync(n => n.ReadUtc == null, ct);
    }

    public async Task<IReadOnlyList<NotificationView>> ListAsync(bool unreadOnly, int take = 100, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read notifications");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Notifications.AsNoTracking();
        if (unreadOnly)
        {
            query = query.Where(n => n.ReadUtc == null);
        }

        return await query.OrderByDescending(n => n.Id).Take(Math.Clamp(take, 1, 500))
            .Select(n => new NotificationView(n.Id, n.Kind, n.Severity, n.Title, n.Body, n.CredentialId, n.RotationRunId, n.CreatedUtc, n.ReadUtc,
                n.Deliveries.OrderBy(d => d.Channel).Select(d => new DeliveryView(d.Id, d.Channel, d.Status, d.Attempts, d.SentUtc, d.NextAttemptUtc, d.LastError)).ToList()))
            .ToListAsync(ct);
    }

    public async Task MarkReadAsync(long id, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read notifications");
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Notifications.Where(n => n.Id == id && n.ReadUtc == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadUtc, now), ct);
    }

    public async Task<int> MarkAllReadAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read notifications");
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.Where(n => n.ReadUtc == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadUtc, now), ct);
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

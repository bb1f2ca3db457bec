using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.Notifications;

public enum NotificationSeverity
{
    Info = 0,
    Warning = 1,
    Error = 2,
}

/// <summary>An in-app notification (shared by all staff) and the source of its e-mail and webhook deliveries.</summary>
public sealed class Notification
{
    public long Id { get; set; }

    /// <summary>e.g. <c>rotation-reminder</c>, <c>health-failing</c>, <c>rotation-started</c>.</summary>
    public required string Kind { get; set; }

    public NotificationSeverity Severity { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public long? CredentialId { get; set; }
    public long? RotationRunId { get; set; }

    /// <summary>Comma-separated e-mail recipients besides the configured defaults (credential owners).</summary>
    public string? Recipients { get; set; }

    public DateTime CreatedUtc { get; set; }
    public DateTime? ReadUtc { get; set; }

    /// <summary>Unique when set: a second job run, a retry or a second instance cannot raise the same alert twice.</summary>
    public string? DedupKey { get; set; }

    public List<NotificationDelivery> Deliveries { get; set; } = [];
}

public enum DeliveryChannel
{
    Email = 1,
    Webhook = 2,
}

public enum DeliveryStatus
{
    Pending = 0,
    Sending = 1,
    Sent = 2,
    Failed = 3,
}

/// <summary>
/// Outbox row: one per notification × channel, created in the same transaction as the notification. The delivery job
/// claims it (Pending → Sending with a lease), sends, then marks it Sent; failures go back to Pending with back-off
/// until the attempt limit, then Failed (visible on the notifications page).
/// </summary>
public sealed class NotificationDelivery
{
    public long Id { get; set; }
    public long NotificationId { get; set; }
    public Notification? Notification { get; set; }
    public DeliveryChannel Channel { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptUtc { get; set; }
    public DateTime? LeaseUntilUtc { get; set; }
    public Guid? LeaseToken { get; set; }
    public DateTime? SentUtc { get; set; }
    public string? LastError { get; set; }
}

public sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.Property(x => x.Kind).HasMaxLength(60);
        b.Property(x => x.Severity).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Title).HasMaxLength(300);
        b.Property(x => x.Body).HasMaxLength(4000);
        b.Property(x => x.Recipients).HasMaxLength(1000);
        b.Property(x => x.DedupKey).HasMaxLength(200);
        b.HasIndex(x => x.DedupKey).IsUnique();
        b.HasIndex(x => new { x.ReadUtc, x.CreatedUtc });
        b.HasMany(x => x.Deliveries).WithOne(x => x.Notification!).HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> b)
    {
        b.ToTable("NotificationDeliveries");
        b.Property(x => x.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.LastError).HasMaxLength(1000);
        b.HasIndex(x => new { x.NotificationId, x.Channel }).IsUnique();
        b.HasIndex(x => new { x.Status, x.NextAttemptUtc });
    }
}

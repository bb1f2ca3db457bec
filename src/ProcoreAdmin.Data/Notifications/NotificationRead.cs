using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.Notifications;

/// <summary>
/// One staff member has read one in-app notification. The reader is a fixed-length key derived from the
/// identity provider's issuer + subject, so each person has their own unread count.
/// </summary>
public sealed class NotificationRead
{
    public long NotificationId { get; set; }
    public required string ReaderKey { get; set; }
    public DateTime ReadUtc { get; set; }
}

public sealed class NotificationReadConfiguration : IEntityTypeConfiguration<NotificationRead>
{
    public void Configure(EntityTypeBuilder<NotificationRead> b)
    {
        b.ToTable("NotificationReads");
        b.HasKey(x => new { x.NotificationId, x.ReaderKey });
        b.Property(x => x.ReaderKey).HasMaxLength(64).IsFixedLength(false);
        b.HasIndex(x => x.ReaderKey);
        b.HasOne<Notification>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

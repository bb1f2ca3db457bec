using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.Rotation;

/// <summary>One reminder per credential × stage × due date (unique): the reminder scan creates each exactly once.</summary>
public sealed class RotationReminder
{
    public long Id { get; set; }
    public long CredentialId { get; set; }

    /// <summary>e.g. <c>T-30</c>, <c>T-1</c>, <c>due</c>, <c>overdue</c>.</summary>
    public required string Stage { get; set; }

    /// <summary>The due date in the reminder time zone.</summary>
    public DateOnly DueDate { get; set; }

    public DateTime CreatedUtc { get; set; }
    public long NotificationId { get; set; }
    public ProcoreAdmin.Data.Notifications.Notification? Notification { get; set; }
}

public enum RotationRunState
{
    Active = 0,
    Completed = 1,
    Cancelled = 2,
}

public enum RotationStepState
{
    Pending = 0,
    Done = 1,
    Failed = 2,
    Skipped = 3,
}

/// <summary>A rotation checklist instance. <see cref="ActiveCredentialId"/> is set while the run is active and unique,
/// so two admins cannot run two rotations of one credential at once.</summary>
public sealed class RotationRun
{
    public long Id { get; set; }
    public long CredentialId { get; set; }
    public long? ActiveCredentialId { get; set; }
    public RotationRunState State { get; set; }
    public bool Urgent { get; set; }
    public required string Reason { get; set; }
    public DateTime StartedUtc { get; set; }
    public required string StartedBy { get; set; }
    public DateTime? FinishedUtc { get; set; }

    /// <summary>From the moment the secret was reset in the Portal (step 4) to the schedules resuming (step 7).</summary>
    public double? TimeToRestoreSeconds { get; set; }

    public DateTime? NextDueUtc { get; set; }
    public List<RotationStep> Steps { get; set; } = [];
}

public sealed class RotationStep
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public int Number { get; set; }
    public required string Name { get; set; }
    public RotationStepState State { get; set; }
    public DateTime? UpdatedUtc { get; set; }
    public string? ActorIssuer { get; set; }
    public string? ActorSubject { get; set; }
    public string? ActorName { get; set; }
    public string? Notes { get; set; }

    /// <summary>JSON evidence: verification results, fingerprints, blast radius. Never a secret.</summary>
    public string? Evidence { get; set; }
}

public sealed class RotationReminderConfiguration : IEntityTypeConfiguration<RotationReminder>
{
    public void Configure(EntityTypeBuilder<RotationReminder> b)
    {
        b.ToTable("RotationReminders");
        b.Property(x => x.Stage).HasMaxLength(20);
        b.HasIndex(x => new { x.CredentialId, x.Stage, x.DueDate }).IsUnique();
        b.HasOne(x => x.Notification).WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class RotationRunConfiguration : IEntityTypeConfiguration<RotationRun>
{
    public void Configure(EntityTypeBuilder<RotationRun> b)
    {
        b.ToTable("RotationRuns");
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.Property(x => x.StartedBy).HasMaxLength(200);
        // Unique on a nullable column: SQLite allows many NULLs; SQL Server gets the IS NOT NULL filter by convention.
        b.HasIndex(x => x.ActiveCredentialId).IsUnique();
        b.HasIndex(x => new { x.CredentialId, x.StartedUtc });
        b.HasMany(x => x.Steps).WithOne().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class RotationStepConfiguration : IEntityTypeConfiguration<RotationStep>
{
    public void Configure(EntityTypeBuilder<RotationStep> b)
    {
        b.ToTable("RotationSteps");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.ActorIssuer).HasMaxLength(400);
        b.Property(x => x.ActorSubject).HasMaxLength(200);
        b.Property(x => x.ActorName).HasMaxLength(200);
        b.Property(x => x.Notes).HasMaxLength(2000);
        b.Property(x => x.Evidence).HasMaxLength(16000);
        b.HasIndex(x => new { x.RunId, x.Number }).IsUnique();
    }
}

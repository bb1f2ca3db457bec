using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.Maintenance;

public enum JobRunOutcome
{
    Running = 0,
    Succeeded = 1,
    Failed = 2,
    Skipped = 3,
}

/// <summary>Our own history of background job runs (Hangfire's own history expires).</summary>
public sealed class JobRun
{
    public long Id { get; set; }
    public required string JobKind { get; set; }
    public DateTime StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    public JobRunOutcome Outcome { get; set; }
    public string? Summary { get; set; }
    public string? Trigger { get; set; }

    /// <summary>The schedule this run belongs to (null for runs outside a schedule).</summary>
    public long? ScheduleId { get; set; }
}

public sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.ToTable("JobRuns");
        b.Property(x => x.JobKind).HasMaxLength(100);
        b.Property(x => x.Summary).HasMaxLength(2000);
        b.Property(x => x.Trigger).HasMaxLength(100);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(x => new { x.JobKind, x.StartedUtc });
        b.HasIndex(x => new { x.ScheduleId, x.StartedUtc });
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.Maintenance;

/// <summary>
/// One recurring maintenance job: its kind, cron and time zone, paused flag. The source of truth for Hangfire's
/// recurring jobs, which are re-registered from these rows at start-up and on every change.
/// </summary>
public sealed class MaintenanceSchedule
{
    public long Id { get; set; }

    /// <summary>The job kind (unique): which job class runs.</summary>
    public required string Kind { get; set; }

    public required string Title { get; set; }

    /// <summary>A 5-field cron expression, evaluated in <see cref="TimeZoneId"/>.</summary>
    public required string Cron { get; set; }

    /// <summary>IANA or Windows time-zone id (e.g. <c>Europe/Berlin</c>, <c>UTC</c>).</summary>
    public required string TimeZoneId { get; set; }

    public bool Paused { get; set; }

    /// <summary>The rotation run that paused this schedule (it resumes only the schedules it paused), or null.</summary>
    public long? PausedByRotationRunId { get; set; }

    /// <summary>When set, the schedule works on this one credential set only (a rotation pauses it).</summary>
    public long? CredentialId { get; set; }

    public DateTime UpdatedUtc { get; set; }

    public string? UpdatedBy { get; set; }
}

public sealed class MaintenanceScheduleConfiguration : IEntityTypeConfiguration<MaintenanceSchedule>
{
    public void Configure(EntityTypeBuilder<MaintenanceSchedule> b)
    {
        b.ToTable("MaintenanceSchedules");
        b.Property(x => x.Kind).HasMaxLength(100);
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Cron).HasMaxLength(100);
        b.Property(x => x.TimeZoneId).HasMaxLength(100);
        b.Property(x => x.UpdatedBy).HasMaxLength(200);
        b.HasIndex(x => x.Kind).IsUnique();
        b.HasIndex(x => x.CredentialId);
    }
}

/// <summary>The latest health check of a credential set, one row per check (the dashboard reads the latest).</summary>
public sealed class CredentialHealthCheck
{
    public long Id { get; set; }
    public long CredentialId { get; set; }
    public DateTime CheckedUtc { get; set; }
    public bool Ok { get; set; }
    public required string Outcome { get; set; }
    public string? Summary { get; set; }

    /// <summary>Installed-company drift: comma-separated ids expected but not observed, and observed but not expected.</summary>
    public string? MissingCompanyIds { get; set; }

    public string? UnexpectedCompanyIds { get; set; }
}

public sealed class CredentialHealthCheckConfiguration : IEntityTypeConfiguration<CredentialHealthCheck>
{
    public void Configure(EntityTypeBuilder<CredentialHealthCheck> b)
    {
        b.ToTable("CredentialHealthChecks");
        b.Property(x => x.Outcome).HasMaxLength(40);
        b.Property(x => x.Summary).HasMaxLength(1000);
        b.Property(x => x.MissingCompanyIds).HasMaxLength(1000);
        b.Property(x => x.UnexpectedCompanyIds).HasMaxLength(1000);
        b.HasIndex(x => new { x.CredentialId, x.CheckedUtc });
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.Audit;

/// <summary>One append-only audit row: who (issuer + subject), what, target, outcome, when. Never a secret.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTime OccurredUtc { get; set; }
    public required string ActorIssuer { get; set; }
    public required string ActorSubject { get; set; }
    public string? ActorName { get; set; }
    public required string Action { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public required string Outcome { get; set; }
    public string? Detail { get; set; }
    public string? CorrelationId { get; set; }

    /// <summary>Position in the tamper-evident chain (1, 2, 3, …; unique). Null only on rows written before the chain existed.</summary>
    public long? Sequence { get; set; }

    /// <summary>The <see cref="Hash"/> of the row at <see cref="Sequence"/> − 1 (empty for the first row).</summary>
    public string? PreviousHash { get; set; }

    /// <summary>Keyed hash (HMAC-SHA256, hex) over this row's fields and <see cref="PreviousHash"/>.</summary>
    public string? Hash { get; set; }
}

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("AuditEvents");
        b.Property(x => x.ActorIssuer).HasMaxLength(400);
        b.Property(x => x.ActorSubject).HasMaxLength(200);
        b.Property(x => x.ActorName).HasMaxLength(200);
        b.Property(x => x.Action).HasMaxLength(100);
        b.Property(x => x.TargetType).HasMaxLength(100);
        b.Property(x => x.TargetId).HasMaxLength(100);
        b.Property(x => x.Outcome).HasMaxLength(40);
        b.Property(x => x.Detail).HasMaxLength(2000);
        b.Property(x => x.CorrelationId).HasMaxLength(100);
        b.HasIndex(x => x.OccurredUtc);
        b.Property(x => x.PreviousHash).HasMaxLength(64);
        b.Property(x => x.Hash).HasMaxLength(64);
        // One row per position: two writers that read the same tail cannot both append (the chain cannot fork).
        b.HasIndex(x => x.Sequence).IsUnique();
    }
}

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
    }
}

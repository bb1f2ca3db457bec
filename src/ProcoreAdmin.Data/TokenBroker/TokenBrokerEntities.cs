using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.TokenBroker;

/// <summary>
/// A machine client (identified by its client id at the identity provider) may ask the token broker for Procore access
/// tokens of one credential set, for the listed Procore companies, until it expires or is revoked. Never holds a secret.
/// </summary>
public sealed class BrokerGrant
{
    public long Id { get; set; }

    /// <summary>The client id the identity provider puts in the machine client's access tokens.</summary>
    public required string MachineClientId { get; set; }

    public long CredentialSetId { get; set; }

    /// <summary>What the consumer is (shown on the credential page and in the rotation blast radius).</summary>
    public required string Description { get; set; }

    public DateTime CreatedUtc { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime? ExpiresUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }
    public string? RevokedBy { get; set; }
    public DateTime? LastIssuedUtc { get; set; }
    public List<BrokerGrantCompany> Companies { get; set; } = [];
}

/// <summary>One Procore company (64-bit id) a grant covers.</summary>
public sealed class BrokerGrantCompany
{
    public long Id { get; set; }
    public long GrantId { get; set; }
    public long ProcoreCompanyId { get; set; }
}

/// <summary>Tokens handed out under a grant on one UTC day (one row per grant × day, counted up set-based).</summary>
public sealed class BrokerIssuanceDay
{
    public long Id { get; set; }
    public long GrantId { get; set; }
    public DateOnly Day { get; set; }
    public int Count { get; set; }
}

public sealed class BrokerGrantConfiguration : IEntityTypeConfiguration<BrokerGrant>
{
    public void Configure(EntityTypeBuilder<BrokerGrant> b)
    {
        b.ToTable("BrokerGrants");
        b.Property(x => x.MachineClientId).HasMaxLength(200);
        b.Property(x => x.Description).HasMaxLength(200);
        b.Property(x => x.CreatedBy).HasMaxLength(200);
        b.Property(x => x.RevokedBy).HasMaxLength(200);
        b.HasIndex(x => new { x.MachineClientId, x.CredentialSetId });
        b.HasOne<ProcoreAdmin.Data.Credentials.CredentialSet>().WithMany().HasForeignKey(x => x.CredentialSetId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Companies).WithOne().HasForeignKey(x => x.GrantId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class BrokerGrantCompanyConfiguration : IEntityTypeConfiguration<BrokerGrantCompany>
{
    public void Configure(EntityTypeBuilder<BrokerGrantCompany> b)
    {
        b.ToTable("BrokerGrantCompanies");
        b.HasIndex(x => new { x.GrantId, x.ProcoreCompanyId }).IsUnique();
    }
}

public sealed class BrokerIssuanceDayConfiguration : IEntityTypeConfiguration<BrokerIssuanceDay>
{
    public void Configure(EntityTypeBuilder<BrokerIssuanceDay> b)
    {
        b.ToTable("BrokerIssuanceDays");
        b.HasIndex(x => new { x.GrantId, x.Day }).IsUnique();
        b.HasOne<BrokerGrant>().WithMany().HasForeignKey(x => x.GrantId).OnDelete(DeleteBehavior.Cascade);
    }
}

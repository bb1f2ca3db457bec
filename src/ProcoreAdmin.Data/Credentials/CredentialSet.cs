using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProcoreAdmin.Data.Companies;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Data.Credentials;

/// <summary>
/// A DMSA client-credential set (one Procore app). The secret lives only encrypted, in <see cref="CredentialSecret"/> rows.
/// </summary>
public sealed class CredentialSet
{
    public long Id { get; set; }
    public required string Label { get; set; }

    /// <summary>The Procore environment, stored as its name (text column, like every other enum here).</summary>
    public required ProcoreEnvironment Environment { get; set; }
    public required string ClientId { get; set; }
    public string? CustomLoginBaseUrl { get; set; }
    public string? CustomApiBaseUrl { get; set; }

    /// <summary>
    /// A production app's client id and secret also work in Procore's monthly sandbox (own login and API hosts, own tokens,
    /// own data). When set, the secret is bound to both destinations and checks run in both environments.
    /// </summary>
    public bool CoversMonthlySandbox { get; set; }

    /// <summary>For a Custom credential that covers the monthly sandbox: that sandbox's login and API base URLs.</summary>
    public string? CustomMonthlyLoginBaseUrl { get; set; }
    public string? CustomMonthlyApiBaseUrl { get; set; }

    /// <summary>The last check in the monthly sandbox (<c>VerificationOutcome</c> as text), when the set covers it.</summary>
    public DateTime? MonthlyLastCheckUtc { get; set; }
    public string? MonthlyLastCheckOutcome { get; set; }
    public string? MonthlyLastCheckSummary { get; set; }
    public string? Owners { get; set; }
    public string? Notes { get; set; }
    public int RotationIntervalDays { get; set; } = 365;
    public CredentialStatus Status { get; set; }
    public DateTime? LastVerifiedRotationUtc { get; set; }
    public DateTime CreatedUtc { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime? UpdatedUtc { get; set; }

    public DateTime? LastCheckUtc { get; set; }

    /// <summary>The last verification outcome (<c>VerificationOutcome</c> as text), current slot only.</summary>
    public string? LastCheckOutcome { get; set; }
    public string? LastCheckSummary { get; set; }

    /// <summary>Company ids that Procore's /companies reported at the last check, comma-separated.</summary>
    public string? LastObservedCompanyIds { get; set; }

    /// <summary>Optimistic concurrency token, incremented by every update (works on SQLite and SQL Server).</summary>
    public int Version { get; set; }

    public List<CredentialSecret> Secrets { get; set; } = [];
    public List<Installation> Installations { get; set; } = [];
}

public enum SecretVersionState
{
    Current = 0,
    Pending = 1,
    Retired = 2,
}

/// <summary>
/// One secret version. <see cref="Ciphertext"/> is a Data Protection payload bound to the credential id, environment,
/// client id and <see cref="PublicId"/>; <see cref="KeyId"/> is the Data Protection key that protected it (read from
/// the payload header) so the re-protect job can count rows still on an old key. Never the secret itself.
/// </summary>
public sealed class CredentialSecret
{
    public long Id { get; set; }
    public Guid PublicId { get; set; }
    public long CredentialSetId { get; set; }
    public SecretVersionState State { get; set; }
    public required byte[] Ciphertext { get; set; }
    public Guid KeyId { get; set; }

    /// <summary>HMAC-SHA256 of the secret under a key held by Data Protection (hex). Not testable without that key.</summary>
    public required string Fingerprint { get; set; }
    public DateTime CreatedUtc { get; set; }
    public required string CreatedBy { get; set; }
    public string? CreatedBySubject { get; set; }
    public DateTime? RetiredUtc { get; set; }
}

/// <summary>A credential set installed (expected by staff) in a company, with what Procore reported at the last check.</summary>
public sealed class Installation
{
    public long CredentialSetId { get; set; }
    public long CompanyId { get; set; }
    public Company? Company { get; set; }
    public DateTime CreatedUtc { get; set; }

    /// <summary>Last check for this company (<c>VerificationOutcome</c> as text), or null before the first check.</summary>
    public string? LastOutcome { get; set; }
    public string? LastMessage { get; set; }
    public DateTime? LastCheckUtc { get; set; }

    /// <summary>Whether Procore's /companies listed this company at the last check.</summary>
    public bool? Observed { get; set; }
}

/// <summary>Small key/value settings of the registry; values are Data Protection payloads (e.g. the fingerprint key).</summary>
public sealed class CredentialKeyMaterial
{
    public required string Name { get; set; }
    public required byte[] Protected { get; set; }
    public Guid KeyId { get; set; }
    public DateTime CreatedUtc { get; set; }
}

public sealed class CredentialSetConfiguration : IEntityTypeConfiguration<CredentialSet>
{
    public const int LabelMax = 200;
    public const int ClientIdMax = 200;
    public const int UrlMax = 500;
    public const int OwnersMax = 400;
    public const int NotesMax = 2000;

    public void Configure(EntityTypeBuilder<CredentialSet> b)
    {
        b.ToTable("CredentialSets");
        b.Property(x => x.Label).HasMaxLength(LabelMax);
        b.Property(x => x.Environment).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.ClientId).HasMaxLength(ClientIdMax);
        b.Property(x => x.CustomLoginBaseUrl).HasMaxLength(UrlMax);
        b.Property(x => x.CustomApiBaseUrl).HasMaxLength(UrlMax);
        b.Property(x => x.CustomMonthlyLoginBaseUrl).HasMaxLength(UrlMax);
        b.Property(x => x.CustomMonthlyApiBaseUrl).HasMaxLength(UrlMax);
        b.Property(x => x.MonthlyLastCheckOutcome).HasMaxLength(30);
        b.Property(x => x.MonthlyLastCheckSummary).HasMaxLength(2000);
        b.Property(x => x.Owners).HasMaxLength(OwnersMax);
        b.Property(x => x.Notes).HasMaxLength(NotesMax);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.CreatedBy).HasMaxLength(200);
        b.Property(x => x.LastCheckOutcome).HasMaxLength(30);
        b.Property(x => x.LastCheckSummary).HasMaxLength(2000);
        b.Property(x => x.LastObservedCompanyIds).HasMaxLength(2000);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.Environment, x.ClientId }).IsUnique();
        b.HasIndex(x => x.Status);
        b.HasMany(x => x.Secrets).WithOne().HasForeignKey(x => x.CredentialSetId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Installations).WithOne().HasForeignKey(x => x.CredentialSetId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CredentialSecretConfiguration : IEntityTypeConfiguration<CredentialSecret>
{
    public void Configure(EntityTypeBuilder<CredentialSecret> b)
    {
        b.ToTable("CredentialSecrets");
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Ciphertext).HasMaxLength(4000);
        b.Property(x => x.Fingerprint).HasMaxLength(64);
        b.Property(x => x.CreatedBy).HasMaxLength(200);
        b.Property(x => x.CreatedBySubject).HasMaxLength(200);
        b.HasIndex(x => x.PublicId).IsUnique();
        b.HasIndex(x => x.KeyId);

        // At most one current and one pending secret per credential. The filter is plain SQL both providers accept.
        b.HasIndex(x => new { x.CredentialSetId, x.State }).IsUnique().HasFilter("State <> 'Retired'");
    }
}

public sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    public void Configure(EntityTypeBuilder<Installation> b)
    {
        b.ToTable("Installations");
        b.HasKey(x => new { x.CredentialSetId, x.CompanyId });
        b.HasOne(x => x.Company).WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.LastOutcome).HasMaxLength(30);
        b.Property(x => x.LastMessage).HasMaxLength(500);
        b.HasIndex(x => x.CompanyId);
    }
}

public sealed class CredentialKeyMaterialConfiguration : IEntityTypeConfiguration<CredentialKeyMaterial>
{
    public void Configure(EntityTypeBuilder<CredentialKeyMaterial> b)
    {
        b.ToTable("CredentialKeyMaterial");
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Protected).HasMaxLength(4000);
    }
}

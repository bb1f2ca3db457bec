using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.Companies;

/// <summary>A Procore company staff work with. <see cref="ProcoreCompanyId"/> is Procore's id (64-bit).</summary>
public sealed class Company
{
    public long Id { get; set; }
    public long ProcoreCompanyId { get; set; }
    public required string Name { get; set; }

    /// <summary>The Procore environment name (<c>ProcoreEnvironment</c> as text).</summary>
    public required string Environment { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? ArchivedUtc { get; set; }

    /// <summary>Optimistic concurrency token, incremented by every update (works on SQLite and SQL Server).</summary>
    public int Version { get; set; }
}

public sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public const int NameMax = 200;
    public const int NotesMax = 2000;

    public void Configure(EntityTypeBuilder<Company> b)
    {
        b.ToTable("Companies");
        b.Property(x => x.Name).HasMaxLength(NameMax);
        b.Property(x => x.Environment).HasMaxLength(40);
        b.Property(x => x.Notes).HasMaxLength(NotesMax);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.Environment, x.ProcoreCompanyId }).IsUnique();
        b.HasIndex(x => x.Name);
    }
}

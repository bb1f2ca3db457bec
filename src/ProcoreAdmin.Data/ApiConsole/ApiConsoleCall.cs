using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProcoreAdmin.Data.ApiConsole;

/// <summary>
/// One API console call, kept as history for the staff member who made it. Holds the request line and the outcome
/// only: never a token, a secret, request or response bodies, or response headers.
/// </summary>
public sealed class ApiConsoleCall
{
    public long Id { get; set; }

    public DateTime OccurredUtc { get; set; }

    public required string ActorIssuer { get; set; }

    public required string ActorSubject { get; set; }

    public string? ActorName { get; set; }

    public long CredentialId { get; set; }

    public string? CredentialLabel { get; set; }

    public long ProcoreCompanyId { get; set; }

    public required string Method { get; set; }

    /// <summary>Path and query relative to the API base (allow-listed GETs; the query holds ids and paging only).</summary>
    public required string Path { get; set; }

    public bool CompanyHeaderSent { get; set; }

    /// <summary>
    /// Where the call went when not to the credential set's own environment: "MonthlySandbox" for the monthly sandbox of a
    /// production set that covers it; null for the set's own environment (and for calls recorded before this was kept).
    /// </summary>
    public string? Target { get; set; }

    /// <summary>The HTTP status, or null when no answer came (token failure, timeout, connection failure).</summary>
    public int? StatusCode { get; set; }

    /// <summary>The error classification (e.g. MissingCompanyHeader), when the call failed.</summary>
    public string? ErrorKind { get; set; }

    public string? RequestId { get; set; }

    public int? RoundTripMs { get; set; }

    public int? TokenMs { get; set; }
}

public sealed class ApiConsoleCallConfiguration : IEntityTypeConfiguration<ApiConsoleCall>
{
    public void Configure(EntityTypeBuilder<ApiConsoleCall> b)
    {
        b.ToTable("ApiConsoleCalls");
        b.Property(x => x.ActorIssuer).HasMaxLength(400);
        b.Property(x => x.ActorSubject).HasMaxLength(200);
        b.Property(x => x.ActorName).HasMaxLength(200);
        b.Property(x => x.CredentialLabel).HasMaxLength(200);
        b.Property(x => x.Method).HasMaxLength(10);
        b.Property(x => x.Path).HasMaxLength(500);
        b.Property(x => x.ErrorKind).HasMaxLength(50);
        b.Property(x => x.Target).HasMaxLength(20);
        b.Property(x => x.RequestId).HasMaxLength(100);
        b.HasIndex(x => new { x.ActorIssuer, x.ActorSubject, x.Id });
        b.HasIndex(x => x.OccurredUtc);
    }
}

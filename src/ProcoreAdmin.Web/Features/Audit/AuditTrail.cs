using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Audit;

[FeatureContract]
public static class AuditOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Denied = "denied";

    /// <summary>A change rejected by validation (e.g. a secret-bearing edit with invalid fields); nothing was written.</summary>
    public const string Refused = "refused";

    /// <summary>The user stopped the action before it finished (e.g. a projects export); nothing was half-written.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>
/// What an audit row is about (<c>TargetType</c>). One spelling per target for new rows. Rows written before these
/// constants used <c>"Credential"</c> and <c>"Company"</c> in places; they are never rewritten (the hash chain covers the
/// stored text), and <see cref="StoredSpellings"/> lets a filter find them too.
/// </summary>
[FeatureContract]
public static class AuditTargets
{
    public const string Credential = "credential";
    public const string Company = "company";
    public const string RotationRun = "RotationRun";
    public const string MaintenanceSchedule = "MaintenanceSchedule";
    public const string Staff = "staff";
    public const string Operation = "operation";
    public const string Host = "host";
    public const string Audit = "audit";

    private static readonly Dictionary<string, string[]> Legacy = new(StringComparer.OrdinalIgnoreCase)
    {
        [Credential] = [Credential, "Credential"],
        [Company] = [Company, "Company"],
    };

    /// <summary>Every spelling stored for <paramref name="targetType"/> (the constant and older spellings), for filters.</summary>
    public static IReadOnlyList<string> StoredSpellings(string targetType) =>
        Legacy.TryGetValue(targetType, out var spellings) ? spellings : [targetType];
}

/// <summary>
/// The append-only audit trail. Callers pass ids and plain facts only — never a secret, token or ciphertext.
/// Text is cleaned of control characters so CR/LF or ANSI codes cannot forge lines in exports.
/// </summary>
[FeatureContract]
public sealed class AuditTrail(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public async Task RecordAsync(StaffActor actor, string action, string? targetType, string? targetId, string outcome, string? detail = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEvents.Add(Create(actor, action, targetType, targetId, outcome, detail));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Adds the event to a context the caller saves, so the change and its audit row commit together.</summary>
    public void Add(AppDbContext db, StaffActor actor, string action, string? targetType, string? targetId, string outcome, string? detail = null) =>
        db.AuditEvents.Add(Create(actor, action, targetType, targetId, outcome, detail));

    private AuditEvent Create(StaffActor actor, string action, string? targetType, string? targetId, string outcome, string? detail) => new()
    {
        OccurredUtc = time.GetUtcNow().UtcDateTime,
        ActorIssuer = Clean(actor.Issuer, 400)!,
        ActorSubject = Clean(actor.Subject, 200)!,
        ActorName = Clean(actor.Name, 200),
        Action = Clean(action, 100)!,
        TargetType = Clean(targetType, 100),
        TargetId = Clean(targetId, 100),
        Outcome = Clean(outcome, 40)!,
        Detail = Clean(detail, 2000),
        CorrelationId = Clean(Activity.Current?.TraceId.ToString(), 100),
    };

    /// <summary>Removes control characters (CR, LF, ESC, …) and trims to the column length.</summary>
    public static string? Clean(string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }

        var cleaned = new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return cleaned.Length > maxLength ? cleaned[..maxLength] : cleaned;
    }
}

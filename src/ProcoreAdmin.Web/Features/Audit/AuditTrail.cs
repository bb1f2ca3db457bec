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

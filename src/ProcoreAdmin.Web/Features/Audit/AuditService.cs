using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Audit;

public sealed record AuditFilter(DateTime? FromUtc = null, DateTime? ToUtc = null, string? Actor = null, string? Action = null, string? Target = null, string? Outcome = null);

/// <summary>One page of events; <paramref name="CredentialNames"/> maps the credential ids the page's rows target to their names.</summary>
public sealed record AuditQueryResult(IReadOnlyList<AuditEvent> Items, int Total, IReadOnlyDictionary<long, string>? CredentialNames = null)
{
    /// <summary>The name to show for a row's target: a credential by its label (its id stays available to the caller), anything else as stored.</summary>
    public string? TargetName(AuditEvent e) =>
        AuditTargetIds.CredentialId(e) is { } id && CredentialNames?.TryGetValue(id, out var name) == true ? name : null;
}

/// <summary>How audit rows name their targets.</summary>
public static class AuditTargetIds
{
    /// <summary>The credential id a row targets (target type "credential", any case), or null.</summary>
    public static long? CredentialId(AuditEvent e) =>
        string.Equals(e.TargetType, "credential", StringComparison.OrdinalIgnoreCase)
        && long.TryParse(e.TargetId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}

/// <summary>Reads the append-only audit trail (Viewer) and exports it as injection-safe CSV (the export is audited too).</summary>
public sealed class AuditService(IDbContextFactory<AppDbContext> dbFactory, CurrentStaff staff, AuditTrail audit, AuditChainVerifier? chain = null, AuditChainStatus? chainStatus = null)
{
    /// <summary>Walks the hash chain now (Viewer): "intact" or the first broken row.</summary>
    public async Task<AuditChainReport?> VerifyChainAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "check the audit trail's integrity");
        if (chain is null)
        {
            return null; // a host without the chain (some test graphs)
        }

        var report = await chain.VerifyAsync(ct);
        chainStatus?.Set(report);
        return report;
    }

    public const int MaxExportRows = 50_000;

    public async Task<AuditQueryResult> QueryAsync(AuditFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read the audit trail");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Apply(db.AuditEvents.AsNoTracking(), filter);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.OccurredUtc).ThenByDescending(e => e.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        var credentialIds = items.Select(AuditTargetIds.CredentialId).OfType<long>().Distinct().ToList();
        var names = credentialIds.Count == 0
            ? new Dictionary<long, string>()
            : await db.CredentialSets.AsNoTracking().Where(c => credentialIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Label, ct);
        return new AuditQueryResult(items, total, names);
    }

    public async Task<IReadOnlyList<string>> ActionsAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read the audit trail");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AuditEvents.AsNoTracking().Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
    }

    /// <summary>CSV of the filtered events (newest first). Cells starting with = + - @ (or tab/CR) are prefixed with ' so spreadsheets do not run them.</summary>
    public async Task<string> ExportCsvAsync(AuditFilter filter, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Viewer, "export the audit trail");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await Apply(db.AuditEvents.AsNoTracking(), filter).OrderByDescending(e => e.OccurredUtc).ThenByDescending(e => e.Id)
            .Take(MaxExportRows).ToListAsync(ct);
        var csv = new StringBuilder("occurred_utc,actor_issuer,actor_subject,actor_name,action,target_type,target_id,outcome,detail,correlation_id\r\n");
        foreach (var e in rows)
        {
            csv.AppendJoin(',', new[]
            {
                e.OccurredUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), e.ActorIssuer, e.ActorSubject, e.ActorName, e.Action,
                e.TargetType, e.TargetId, e.Outcome, e.Detail, e.CorrelationId,
            }.Select(CsvCell.Format)).Append("\r\n");
        }

        await audit.RecordAsync(actor, "audit.export", AuditTargets.Audit, null, AuditOutcomes.Succeeded, $"{rows.Count} row(s)", ct);
        return csv.ToString();
    }

    private static IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> query, AuditFilter f)
    {
        if (f.FromUtc is { } from)
        {
            query = query.Where(e => e.OccurredUtc >= from);
        }

        if (f.ToUtc is { } to)
        {
            query = query.Where(e => e.OccurredUtc < to);
        }

        if (!string.IsNullOrWhiteSpace(f.Actor))
        {
            var actor = f.Actor.Trim().ToLowerInvariant();
            query = query.Where(e => e.ActorSubject.ToLower().Contains(actor) || (e.ActorName != null && e.ActorName.ToLower().Contains(actor)));
        }

        if (!string.IsNullOrWhiteSpace(f.Action))
        {
            var action = f.Action.Trim();
            query = query.Where(e => e.Action.StartsWith(action));
        }

        if (!string.IsNullOrWhiteSpace(f.Target))
        {
            var target = f.Target.Trim();
            var spellings = AuditTargets.StoredSpellings(target).ToArray();
            query = query.Where(e => e.TargetId == target || spellings.Contains(e.TargetType!));
        }

        if (!string.IsNullOrWhiteSpace(f.Outcome))
        {
            var outcome = f.Outcome.Trim();
            query = query.Where(e => e.Outcome == outcome);
        }

        return query;
    }
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.TokenBroker;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.TokenBroker;

public sealed record IssuanceDayView(DateOnly Day, int Count);

public sealed record GrantView(
    long Id, string MachineClientId, string Description, IReadOnlyList<long> CompanyIds, DateTime CreatedUtc, string CreatedBy,
    DateTime? ExpiresUtc, DateTime? RevokedUtc, string? RevokedBy, DateTime? LastIssuedUtc, IReadOnlyList<IssuanceDayView> IssuancesPerDay)
{
    public bool IsActive(DateTime nowUtc) => RevokedUtc is null && (ExpiresUtc is null || ExpiresUtc > nowUtc);

    public string State(DateTime nowUtc) => RevokedUtc is not null ? "revoked" : ExpiresUtc is { } e && e <= nowUtc ? "expired" : "active";
}

/// <summary>
/// Admins grant a machine client (by its identity-provider client id) tokens of one credential set for listed companies,
/// optionally until a date, and revoke grants. Every change is audited. Viewers can read the grants.
/// </summary>
public sealed class BrokerGrantService(
    IDbContextFactory<AppDbContext> dbFactory,
    ICredentialDirectory directory,
    CurrentStaff staff,
    AuditTrail audit,
    TimeProvider time)
{
    public const int DaysShown = 7;

    public async Task<IReadOnlyList<GrantView>> ListAsync(long credentialId, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "see the token broker's consumers");
        return await ReadAsync(dbFactory, time, credentialId, ct);
    }

    internal static async Task<IReadOnlyList<GrantView>> ReadAsync(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, long credentialId, CancellationToken ct)
    {
        var since = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-(DaysShown - 1));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var grants = await db.BrokerGrants.AsNoTracking().Include(g => g.Companies)
            .Where(g => g.CredentialSetId == credentialId).OrderBy(g => g.Id).ToListAsync(ct);
        var ids = grants.Select(g => g.Id).ToList();
        var days = await db.BrokerIssuanceDays.AsNoTracking().Where(d => ids.Contains(d.GrantId) && d.Day >= since)
            .OrderBy(d => d.Day).ToListAsync(ct);
        return grants.Select(g => new GrantView(g.Id, g.MachineClientId, g.Description, g.Companies.Select(c => c.ProcoreCompanyId).Order().ToList(),
                g.CreatedUtc, g.CreatedBy, g.ExpiresUtc, g.RevokedUtc, g.RevokedBy, g.LastIssuedUtc,
                days.Where(d => d.GrantId == g.Id).Select(d => new IssuanceDayView(d.Day, d.Count)).ToList()))
            .ToList();
    }

    /// <summary>Creates a grant; returns field errors (empty when it succeeded).</summary>
    public async Task<Dictionary<string, string>> GrantAsync(long credentialId, string? machineClientId, string? description,
        IReadOnlyCollection<long> companyIds, DateTime? expiresUtc, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "grant token broker access");
        var errors = new Dictionary<string, string>();
        var clientId = machineClientId?.Trim() ?? "";
        if (clientId.Length is 0 or > 200 || clientId.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            errors["MachineClientId"] = "Enter the integration's client id at your identity provider (up to 200 characters, no spaces).";
        }

        var text = description?.Trim() ?? "";
        if (text.Length is 0 or > 200 || text.Any(char.IsControl))
        {
            errors["Description"] = "Say what the consumer is, e.g. \"Billing sync (prod)\" (up to 200 characters).";
        }

        var credential = await directory.FindCredentialAsync(credentialId, ct) ?? throw new KeyNotFoundException();
        if (credential.Status == ProcoreAdmin.Data.Credentials.CredentialStatus.Retired)
        {
            errors["Credential"] = "A retired credential set cannot be granted.";
        }

        var companies = companyIds.Distinct().ToList();
        if (companies.Count == 0 || companies.Any(c => !credential.InstalledCompanyIds.Contains(c)))
        {
            errors["Companies"] = "Choose one or more companies this credential set is installed in.";
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (expiresUtc is { } expires && expires <= now)
        {
            errors["ExpiresUtc"] = "The expiry must be in the future (or empty for no expiry).";
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var grant = new BrokerGrant
        {
            MachineClientId = clientId, CredentialSetId = credentialId, Description = text, CreatedUtc = now,
            CreatedBy = AuditTrail.Clean(actor.Name, 200)!, ExpiresUtc = expiresUtc,
            Companies = companies.Select(c => new BrokerGrantCompany { ProcoreCompanyId = c }).ToList(),
        };
        db.BrokerGrants.Add(grant);
        audit.Add(db, actor, "broker.grant", AuditTargets.Credential, Id(credentialId), AuditOutcomes.Succeeded,
            $"client {clientId} ({text}); companies {string.Join(", ", companies)}; expires {(expiresUtc is { } x ? x.ToString("O", CultureInfo.InvariantCulture) : "never")}");
        await db.SaveChangesAsync(ct);
        return errors;
    }

    /// <summary>Revokes a grant: the next token request of that client for it is refused.</summary>
    public async Task RevokeAsync(long grantId, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "revoke token broker access");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var grant = await db.BrokerGrants.SingleOrDefaultAsync(g => g.Id == grantId, ct) ?? throw new KeyNotFoundException();
        if (grant.RevokedUtc is not null)
        {
            return;
        }

        grant.RevokedUtc = time.GetUtcNow().UtcDateTime;
        grant.RevokedBy = AuditTrail.Clean(actor.Name, 200);
        audit.Add(db, actor, "broker.revoke", AuditTargets.Credential, Id(grant.CredentialSetId), AuditOutcomes.Succeeded,
            $"grant {Id(grantId)}: client {grant.MachineClientId} ({grant.Description})");
        await db.SaveChangesAsync(ct);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The rotation checklist's blast radius lists the credential's active broker consumers.</summary>
public sealed class BrokerConsumersBlastRadius(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time) : IRotationBlastRadiusSource
{
    public string Name => "consumers";

    public async Task<IReadOnlyList<string>> DescribeAsync(long credentialId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var grants = await BrokerGrantService.ReadAsync(dbFactory, time, credentialId, ct);
        return grants.Where(g => g.IsActive(now))
            .Select(g => $"{g.MachineClientId} ({g.Description}) for companies {string.Join(", ", g.CompanyIds)}"
                + (g.LastIssuedUtc is { } last ? $", last token {last:yyyy-MM-dd HH:mm} UTC" : ", no token yet"))
            .ToList();
    }
}

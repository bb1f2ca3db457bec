using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// Read access to the registry for other features (metadata only; nothing is decrypted until the Procore client needs a token).
/// Inside a signed-in circuit or request the caller must hold Viewer; a background job (no authentication state) may read.
/// </summary>
public sealed class CredentialDirectory(
    IDbContextFactory<AppDbContext> dbFactory,
    CredentialSecretStore secrets,
    IServiceProvider services) : ICredentialDirectory
{
    public async Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default)
    {
        await RequireViewerUnlessJobAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Companies.AsNoTracking().Where(c => c.ArchivedUtc == null).OrderBy(c => c.Name)
            .Select(c => new { c.ProcoreCompanyId, c.Name, c.Environment }).ToListAsync(ct);
        return rows.Select(c => new CompanyOption(c.ProcoreCompanyId, c.Name, CredentialMapping.ParseEnvironment(c.Environment))).ToList();
    }

    public async Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default)
    {
        await RequireViewerUnlessJobAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.CredentialSets.AsNoTracking();
        if (procoreCompanyId is { } companyId)
        {
            query = query.Where(c => c.Installations.Any(i => i.Company!.ProcoreCompanyId == companyId && i.Company.Environment == c.Environment.ToString()));
        }

        var rows = await query.OrderBy(c => c.Label)
            .Select(c => new
            {
                Credential = c,
                Companies = c.Installations.Select(i => i.Company!.ProcoreCompanyId).ToList(),
                SecretSet = c.Secrets.Where(s => s.State == SecretVersionState.Current).Select(s => (DateTime?)s.CreatedUtc).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r => CredentialMapping.ToOption(r.Credential, r.Companies, r.SecretSet)).ToList();
    }

    public async Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default)
    {
        await RequireViewerUnlessJobAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.CredentialSets.AsNoTracking().Where(c => c.Id == credentialId)
            .Select(c => new { Credential = c, Companies = c.Installations.Select(i => i.Company!.ProcoreCompanyId).ToList() })
            .SingleOrDefaultAsync(ct);
        return row is null ? null : CredentialMapping.ToOption(row.Credential, row.Companies);
    }

    public async Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default)
    {
        await RequireViewerUnlessJobAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.CredentialSets.AsNoTracking()
            .Where(c => c.Status != CredentialStatus.Retired)
            .OrderBy(c => c.Id)
            .Select(c => new
            {
                c.Id, c.Label, c.Environment, c.Status, c.RotationIntervalDays, c.LastVerifiedRotationUtc, c.CreatedUtc, c.Owners,
                HasPending = c.Secrets.Any(s => s.State == SecretVersionState.Pending),
            })
            .ToListAsync(ct);
        return rows.Select(r => new CredentialRotationInfo(r.Id, r.Label, r.Environment, r.Status,
            r.RotationIntervalDays, r.LastVerifiedRotationUtc, r.CreatedUtc, r.Owners, r.HasPending)).ToList();
    }

    public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current) =>
        CredentialMapping.ToProcoreCredential(credential, slot, CredentialTarget.Primary, secrets);

    public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot, CredentialTarget target) =>
        CredentialMapping.ToProcoreCredential(credential, slot, target, secrets);

    /// <summary>
    /// A Blazor circuit or HTTP request has an authentication state: it must hold Viewer. A Hangfire job's scope has none
    /// (the provider throws), which is how a job is told apart from a signed-in user without a role.
    /// </summary>
    private async Task RequireViewerUnlessJobAsync()
    {
        if (services.GetService<CurrentStaff>() is not { } staff)
        {
            return;
        }

        System.Security.Claims.ClaimsPrincipal user;
        try
        {
            user = await staff.GetUserAsync();
        }
        catch (InvalidOperationException)
        {
            return;
        }

        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(StaffRoles.Viewer))
        {
            throw new StaffForbiddenException($"You need the {StaffRoles.Viewer} role to read the credential registry.");
        }
    }
}

/// <summary>Conversions between stored text and the client's types.</summary>
[FeatureContract]
public static class CredentialMapping
{
    public static ProcoreEnvironment ParseEnvironment(string value) =>
        Enum.TryParse<ProcoreEnvironment>(value, out var env) ? env : throw new InvalidOperationException($"Unknown stored environment '{value}'.");

    public static CredentialOption ToOption(CredentialSet c, IReadOnlyList<long> companies, DateTime? currentSecretUtc = null) => new(
        c.Id, c.Label, c.Environment, c.ClientId, c.Status, companies,
        c.CustomLoginBaseUrl is null ? null : new Uri(c.CustomLoginBaseUrl),
        c.CustomApiBaseUrl is null ? null : new Uri(c.CustomApiBaseUrl),
        c.LastCheckOutcome,
        NextRotationDue(c.LastVerifiedRotationUtc, currentSecretUtc, c.CreatedUtc, c.RotationIntervalDays),
        c.CoversMonthlySandbox,
        c.CustomMonthlyLoginBaseUrl is null ? null : new Uri(c.CustomMonthlyLoginBaseUrl),
        c.CustomMonthlyApiBaseUrl is null ? null : new Uri(c.CustomMonthlyApiBaseUrl));

    /// <summary>
    /// The Procore client's view of a stored credential for one target. The secret is decrypted (and its binding to every
    /// destination of the set checked) only when a token is needed. A credential that does not cover the monthly sandbox
    /// has no monthly target.
    /// </summary>
    public static ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot, CredentialTarget target, CredentialSecretStore secrets)
    {
        if (target == CredentialTarget.MonthlySandbox && !credential.CoversMonthlySandbox)
        {
            throw new InvalidOperationException($"Credential {credential.CredentialId} does not cover the monthly sandbox.");
        }

        var monthly = target == CredentialTarget.MonthlySandbox;
        return new ProcoreCredential(CredentialTokenKeys.For(credential.CredentialId, slot, target), credential.EnvironmentOf(target), credential.ClientId,
            ct => secrets.RevealForProcoreAsync(credential.CredentialId, slot, ct),
            monthly ? credential.CustomMonthlyLoginBaseUrl : credential.CustomLoginBaseUrl,
            monthly ? credential.CustomMonthlyApiBaseUrl : credential.CustomApiBaseUrl);
    }

    /// <summary>When the next rotation is due: the last verified rotation (or creation) plus the interval.</summary>
    public static DateTime NextRotationDue(DateTime? lastVerifiedRotationUtc, DateTime? currentSecretCreatedUtc, DateTime createdUtc, int intervalDays) =>
        (lastVerifiedRotationUtc ?? currentSecretCreatedUtc ?? createdUtc).AddDays(intervalDays);
}

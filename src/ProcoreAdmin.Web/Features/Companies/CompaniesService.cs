using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Companies;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Companies;

/// <summary>The company form. Ids arrive as text so that non-numeric and out-of-range input gets a clear message.</summary>
public sealed class CompanyInput
{
    [ProcoreIdText("Procore company id")]
    public string? ProcoreCompanyId { get; set; }
    [PlainText("Name", CompanyConfiguration.NameMax, Required = true)]
    public string? Name { get; set; }
    public string? Environment { get; set; } = nameof(ProcoreEnvironment.Production);
    [PlainText("Notes", CompanyConfiguration.NotesMax, Multiline = true)]
    public string? Notes { get; set; }
}

public sealed record CompanyRow(long Id, long ProcoreCompanyId, string Name, ProcoreEnvironment Environment, string? Notes, DateTime? ArchivedUtc, int CredentialCount, int Version)
{
    public CompanyInput ToInput() => new()
    {
        ProcoreCompanyId = ProcoreCompanyId.ToString(CultureInfo.InvariantCulture), Name = Name, Environment = Environment.ToString(), Notes = Notes,
    };
}

public sealed record InstalledCredential(
    long CredentialId, string Label, string ClientId, CredentialStatus Status, DateTime? LastCheckUtc, string? LastOutcome, string? LastMessage,
    bool? Observed, DateTime NextRotationDueUtc, CredentialHealth Health);

public sealed record CompanyDetail(CompanyRow Company, IReadOnlyList<InstalledCredential> Credentials);

/// <summary>
/// The Companies pages' service. Viewers read; Admins add, edit and archive. Installing a credential set in a company is
/// the credential registry's action: it is offered here through the <see cref="ICredentialInstallations"/> contract, which
/// makes its own role checks and audit rows.
/// </summary>
public sealed class CompaniesService(IDbContextFactory<AppDbContext> dbFactory, CurrentStaff staff, AuditTrail audit, TimeProvider time,
    ICredentialInstallations installations)
{
    public const string TargetType = AuditTargets.Company;

    public async Task<IReadOnlyList<CompanyRow>> ListAsync(string? search = null, bool includeArchived = false, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "see companies");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Companies.AsNoTracking();
        if (!includeArchived)
        {
            query = query.Where(c => c.ArchivedUtc == null);
        }

        var term = search?.Trim();
        if (!string.IsNullOrEmpty(term))
        {
            var asId = long.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;
            var lower = term.ToLowerInvariant();
            query = query.Where(c => c.ProcoreCompanyId == asId || c.Name.ToLower().Contains(lower));
        }

        var rows = await query.OrderBy(c => c.Name)
            .Select(c => new { c, Count = db.Installations.Count(i => i.CompanyId == c.Id) })
            .ToListAsync(ct);
        return rows.Select(r => ToRow(r.c, r.Count)).ToList();
    }

    /// <summary>The credential sets a company page can offer to install (Viewer; checked by the registry).</summary>
    public Task<IReadOnlyList<CredentialRow>> ListInstallableCredentialsAsync(CancellationToken ct = default) => installations.ListAsync(ct);

    /// <summary>Installs a credential set in a company of the same environment (Admin; checked and audited by the registry).</summary>
    public Task<FormResult> InstallCredentialAsync(long credentialId, long companyId, CancellationToken ct = default) =>
        installations.InstallAsync(credentialId, companyId, ct);

    public async Task<CompanyDetail?> GetAsync(long id, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "see companies");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (company is null)
        {
            return null;
        }

        var installed = await db.Installations.AsNoTracking().Where(i => i.CompanyId == id)
            .Join(db.CredentialSets, i => i.CredentialSetId, c => c.Id, (i, c) => new
            {
                c.Id, c.Label, c.ClientId, c.Status, c.LastCheckUtc, i.LastOutcome, i.LastMessage, i.Observed, CredentialOutcome = c.LastCheckOutcome,
                c.LastVerifiedRotationUtc, c.CreatedUtc, c.RotationIntervalDays,
                SecretSet = c.Secrets.Where(s => s.State == SecretVersionState.Current).Select(s => (DateTime?)s.CreatedUtc).FirstOrDefault(),
            })
            .OrderBy(x => x.Label)
            .ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return new CompanyDetail(ToRow(company, installed.Count), installed.Select(x =>
        {
            var due = CredentialMapping.NextRotationDue(x.LastVerifiedRotationUtc, x.SecretSet, x.CreatedUtc, x.RotationIntervalDays);
            return new InstalledCredential(x.Id, x.Label, x.ClientId, x.Status, x.LastCheckUtc, x.LastOutcome, x.LastMessage, x.Observed, due,
                CredentialHealthModel.Of(x.Status, x.CredentialOutcome, due, now));
        }).ToList());
    }

    public async Task<FormResult> CreateAsync(CompanyInput input, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "add companies");
        var result = new FormResult();
        var v = Validate(input, result.Errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (v is not null && await db.Companies.AnyAsync(c => c.Environment == v.Environment && c.ProcoreCompanyId == v.ProcoreId, ct))
        {
            result.Errors[nameof(CompanyInput.ProcoreCompanyId)] = $"Company {v.ProcoreId} is already registered in {v.Environment}.";
        }

        if (v is null || result.Errors.Count > 0)
        {
            return result;
        }

        var company = new Company { ProcoreCompanyId = v.ProcoreId, Name = v.Name, Environment = v.Environment, Notes = v.Notes, CreatedUtc = time.GetUtcNow().UtcDateTime };
        // One unit of work: the audit row names the new id, so the row is saved first, inside the same transaction.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Companies.Add(company);
        await db.SaveChangesAsync(ct);
        audit.Add(db, actor, "company.create", TargetType, Id(company.Id), AuditOutcomes.Succeeded, $"{v.ProcoreId} {v.Name} ({v.Environment})");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return FormResult.Success(company.Id);
    }

    public async Task<FormResult> UpdateAsync(long id, CompanyInput input, int version, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "edit companies");
        var result = new FormResult();
        var v = Validate(input, result.Errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var company = await db.Companies.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (company is null)
        {
            return FormResult.Failure("This company no longer exists.");
        }

        if (v is not null && await db.Companies.AnyAsync(c => c.Id != id && c.Environment == v.Environment && c.ProcoreCompanyId == v.ProcoreId, ct))
        {
            result.Errors[nameof(CompanyInput.ProcoreCompanyId)] = $"Company {v.ProcoreId} is already registered in {v.Environment}.";
        }

        if (v is not null && v.Environment != company.Environment && await db.Installations.AnyAsync(i => i.CompanyId == id, ct))
        {
            result.Errors[nameof(CompanyInput.Environment)] = "Remove the installed credentials before changing the company's environment.";
        }

        if (v is null || result.Errors.Count > 0)
        {
            return result;
        }

        db.Entry(company).Property(c => c.Version).OriginalValue = version;
        company.ProcoreCompanyId = v.ProcoreId;
        company.Name = v.Name;
        company.Environment = v.Environment;
        company.Notes = v.Notes;
        company.Version = version + 1;
        audit.Add(db, actor, "company.update", TargetType, Id(id), AuditOutcomes.Succeeded, $"{v.ProcoreId} {v.Name} ({v.Environment})");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return FormResult.Conflict("company");
        }

        return FormResult.Success(id);
    }

    public async Task<FormResult> SetArchivedAsync(long id, bool archived, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, archived ? "archive companies" : "restore companies");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var company = await db.Companies.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (company is null)
        {
            return FormResult.Failure("This company no longer exists.");
        }

        company.ArchivedUtc = archived ? time.GetUtcNow().UtcDateTime : null;
        company.Version++;
        audit.Add(db, actor, archived ? "company.archive" : "company.restore", TargetType, Id(id), AuditOutcomes.Succeeded, $"{company.ProcoreCompanyId} {company.Name}");
        await db.SaveChangesAsync(ct);
        return FormResult.Success(id);
    }

    private sealed record Valid(long ProcoreId, string Name, string Environment, string? Notes);

    private static Valid? Validate(CompanyInput input, Dictionary<string, string> errors)
    {
        // Field rules are the model's DataAnnotations; the values below are the normalised forms of what they accepted.
        InputValidator.AddTo(errors, input);
        var env = InputRules.Environment(errors, nameof(CompanyInput.Environment), input.Environment);
        if (errors.Count > 0)
        {
            return null;
        }

        var procoreId = InputRules.ProcoreId([], nameof(CompanyInput.ProcoreCompanyId), "Procore company id", input.ProcoreCompanyId);
        var notes = string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim();
        return new Valid(procoreId, input.Name!.Trim(), env!.Value.ToString(), notes);
    }

    private static CompanyRow ToRow(Company c, int count) =>
        new(c.Id, c.ProcoreCompanyId, c.Name, CredentialMapping.ParseEnvironment(c.Environment), c.Notes, c.ArchivedUtc, count, c.Version);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

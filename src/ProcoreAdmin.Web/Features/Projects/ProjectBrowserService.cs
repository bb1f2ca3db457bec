using System.Globalization;
using System.Text;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>What the projects grid asks for: one page of projects; <paramref name="Target"/> picks production or the monthly sandbox of a set that covers it.</summary>
public sealed record ProjectListRequest(string? Name, ProjectStatusFilter Status, ProjectSort? Sort, int Page, int PageSize,
    CredentialTarget Target = CredentialTarget.Primary);

/// <summary>One page of projects (only this page is held by the circuit) and the total Procore reported.</summary>
public sealed record ProjectListPage(IReadOnlyList<ProcoreProject> Items, int TotalItems, RateLimitSnapshot? RateLimit, string? RequestId);

/// <summary>Export progress: pages done of the total, and rate-limit waits reported as such.</summary>
public sealed record ProjectExportProgress(int PagesDone, int? TotalPages, long Rows, long? TotalRows, bool WaitingForRateLimit, TimeSpan? Wait, string? Message)
{
    public double Percent => TotalPages is > 0 ? Math.Min(100, 100.0 * PagesDone / TotalPages.Value) : 0;
}

/// <summary>
/// Browses a company's Procore projects through the typed client and the credential directory. Viewers may browse;
/// exporting (<see cref="ProjectExportService"/>, which reads every page and uses rate-limit quota) needs the Operator role.
/// </summary>
public sealed partial class ProjectBrowserService(
    ICredentialDirectory directory,
    IProcoreClient procore,
    CurrentStaff staff)
{
    /// <summary>The UI never asks Procore for more than this per page.</summary>
    public const int MaxPageSize = 100;

    public const int MaxSearchLength = 200;

    public async Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "browse projects");
        return await directory.ListCompaniesAsync(ct);
    }

    public async Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long procoreCompanyId, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "browse projects");
        ValidateCompanyId(procoreCompanyId);
        return await directory.ListCredentialsAsync(procoreCompanyId, ct);
    }

    public async Task<ProjectListPage> GetPageAsync(CredentialOption credential, long procoreCompanyId, ProjectListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(request);
        await staff.RequireAsync(StaffRoles.Viewer, "browse projects");
        ValidateCompanyId(procoreCompanyId);
        if (request.Page < 1 || request.Page > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "The page must be between 1 and 1,000,000.");
        }

        if (!Enum.IsDefined(request.Status) || (request.Sort is { } sort && !Enum.IsDefined(sort)))
        {
            throw new ArgumentOutOfRangeException(nameof(request), "Unknown status filter or sort order.");
        }

        var pageSize = Math.Clamp(request.PageSize, 1, MaxPageSize);
        var query = new ProjectQuery
        {
            Version = ProjectsApiVersion.V1_1,
            Status = request.Status,
            Name = CleanSearch(request.Name),
            Sort = request.Sort,
            Page = request.Page,
            PerPage = pageSize,
        };
        if (!credential.Targets.Contains(request.Target))
        {
            throw new ArgumentOutOfRangeException(nameof(request), "This credential set does not cover the monthly sandbox.");
        }

        var procoreCredential = directory.ToProcoreCredential(credential, SecretSlot.Current, request.Target);
        var page = await procore.GetProjectsPageAsync(procoreCredential, procoreCompanyId, query, ct);
        var total = page.Total
                    ?? ((long)(request.Page - 1) * pageSize) + page.Items.Count + (page.HasNextPage ? 1 : 0);
        return new ProjectListPage(page.Items, (int)Math.Min(total, int.MaxValue),
            page.RateLimit ?? procore.GetRateLimitSnapshot(procoreCredential.Key), page.RequestId);
    }

    /// <summary>The latest rate-limit headers seen for the credential in one target (any company), or null.</summary>
    public RateLimitSnapshot? GetRateLimit(CredentialOption credential, CredentialTarget target = CredentialTarget.Primary) =>
        procore.GetRateLimitSnapshot(directory.ToProcoreCredential(credential, SecretSlot.Current,
            credential.Targets.Contains(target) ? target : CredentialTarget.Primary).Key);

    public static string? CleanSearch(string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return null;
        }

        var cleaned = new string(search.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return cleaned.Length == 0 ? null : cleaned.Length > MaxSearchLength ? cleaned[..MaxSearchLength] : cleaned;
    }

    private static void ValidateCompanyId(long procoreCompanyId)
    {
        if (procoreCompanyId <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(procoreCompanyId), "A Procore company id is a positive number.");
        }
    }
}

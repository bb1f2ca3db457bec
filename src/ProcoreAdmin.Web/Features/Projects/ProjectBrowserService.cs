using System.Globalization;
using System.Text;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>What the projects grid asks for: one page, filtered and sorted by Procore.</summary>
public sealed record ProjectListRequest(string? Name, ProjectStatusFilter Status, ProjectSort? Sort, int Page, int PageSize);

/// <summary>One page of projects (only this page is held by the circuit) and the total Procore reported.</summary>
public sealed record ProjectListPage(IReadOnlyList<ProcoreProject> Items, int TotalItems, RateLimitSnapshot? RateLimit, string? RequestId);

/// <summary>Export progress: pages done of the total, and rate-limit waits reported as such.</summary>
public sealed record ProjectExportProgress(int PagesDone, int? TotalPages, long Rows, long? TotalRows, bool WaitingForRateLimit, TimeSpan? Wait, string? Message)
{
    public double Percent => TotalPages is > 0 ? Math.Min(100, 100.0 * PagesDone / TotalPages.Value) : 0;
}

/// <summary>A finished export: UTF-8 CSV. Contains project fields only (no credential data).</summary>
public sealed record ProjectExport(string FileName, byte[] Content, long Rows, int Pages);

/// <summary>
/// Browses a company's Procore projects through the typed client and the credential directory. Viewers may browse;
/// exporting (which reads every page and uses rate-limit quota) needs the Operator role.
/// </summary>
public sealed partial class ProjectBrowserService(
    ICredentialDirectory directory,
    IProcoreClient procore,
    CurrentStaff staff,
    AuditTrail audit,
    TimeProvider time,
    ILogger<ProjectBrowserService> logger)
{
    /// <summary>The UI never asks Procore for more than this per page.</summary>
    public const int MaxPageSize = 100;

    public const int MaxSearchLength = 200;

    /// <summary>Page size used by the export (the v1.1 list allows up to 300; 100 keeps each response small).</summary>
    public const int ExportPageSize = 100;

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
        var procoreCredential = directory.ToProcoreCredential(credential);
        var page = await procore.GetProjectsPageAsync(procoreCredential, procoreCompanyId, query, ct);
        var total = page.Total
                    ?? ((long)(request.Page - 1) * pageSize) + page.Items.Count + (page.HasNextPage ? 1 : 0);
        return new ProjectListPage(page.Items, (int)Math.Min(total, int.MaxValue),
            page.RateLimit ?? procore.GetRateLimitSnapshot(procoreCredential.Key), page.RequestId);
    }

    /// <summary>The latest rate-limit headers seen for the credential (any company), or null.</summary>
    public RateLimitSnapshot? GetRateLimit(CredentialOption credential) =>
        procore.GetRateLimitSnapshot(directory.ToProcoreCredential(credential).Key);

    /// <summary>
    /// Reads every project of the company page by page (paced by the client so that no 429 is earned) into a CSV.
    /// Audited (succeeded, failed or cancelled, with the row count). Cancel with <paramref name="ct"/>.
    /// </summary>
    public async Task<ProjectExport> ExportCsvAsync(CredentialOption credential, long procoreCompanyId, ProjectStatusFilter status,
        IProgress<ProjectExportProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var actor = await staff.RequireAsync(StaffRoles.Operator, "export projects");
        ValidateCompanyId(procoreCompanyId);
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status));
        }

        var target = procoreCompanyId.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder(ProjectCsv.Header).Append("\r\n");
        var reporter = new ExportProgressReporter(progress, ExportPageSize);
        long rows = 0;
        try
        {
            var query = new ProjectQuery { Version = ProjectsApiVersion.V1_1, Status = status, Sort = ProjectSort.Name, PerPage = ExportPageSize };
            await foreach (var project in procore.GetAllProjectsAsync(directory.ToProcoreCredential(credential), procoreCompanyId, query, reporter, ct))
            {
                ProjectCsv.AppendRow(sb, project);
                rows++;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await audit.RecordAsync(actor, "projects.export", "company", target, "cancelled",
                $"credential {credential.CredentialId}; {rows} rows read before cancel", CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is ProcoreApiException or CredentialUnreadableException)
        {
            LogExportFailed(logger, procoreCompanyId, credential.CredentialId, ex is ProcoreApiException p ? p.Kind.ToString() : "CredentialUnreadable");
            await audit.RecordAsync(actor, "projects.export", "company", target, AuditOutcomes.Failed,
                $"credential {credential.CredentialId}; {rows} rows read; {(ex is ProcoreApiException pe ? pe.Kind : "credential unreadable")}", CancellationToken.None);
            throw;
        }

        await audit.RecordAsync(actor, "projects.export", "company", target, AuditOutcomes.Succeeded,
            $"credential {credential.CredentialId}; status {status}; {rows} rows", CancellationToken.None);
        LogExported(logger, procoreCompanyId, rows);
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var content = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble()
            .Concat(Encoding.UTF8.GetBytes(sb.ToString())).ToArray();
        return new ProjectExport($"projects-{target}-{status.ToString().ToLowerInvariant()}-{stamp}.csv", content, rows, reporter.PagesDone);
    }

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

    /// <summary>Turns the client's progress into pages done / total and rate-limit waits (called synchronously by the client).</summary>
    private sealed class ExportProgressReporter(IProgress<ProjectExportProgress>? target, int pageSize) : IProgress<ProcoreProgress>
    {
        private long? _total;

        public int PagesDone { get; private set; }

        private long _rows;

        public void Report(ProcoreProgress value)
        {
            switch (value.Kind)
            {
                case ProcoreProgressKind.PageFetched:
                    PagesDone = value.PagesFetched;
                    _rows = value.ItemsFetched;
                    _total = value.Total ?? _total;
                    target?.Report(new ProjectExportProgress(PagesDone, TotalPages, _rows, _total, false, null, null));
                    break;
                case ProcoreProgressKind.WaitingForRateLimit:
                    target?.Report(new ProjectExportProgress(PagesDone, TotalPages, _rows, _total, true, value.Wait, value.Message));
                    break;
                default:
                    target?.Report(new ProjectExportProgress(PagesDone, TotalPages, _rows, _total, false, value.Wait, value.Message));
                    break;
            }
        }

        private int? TotalPages => _total is { } t ? (int)Math.Max(1, (t + pageSize - 1) / pageSize) : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Rows} projects of company {CompanyId}")]
    private static partial void LogExported(ILogger logger, long companyId, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project export of company {CompanyId} with credential {CredentialId} failed: {Kind}")]
    private static partial void LogExportFailed(ILogger logger, long companyId, long credentialId, string kind);
}

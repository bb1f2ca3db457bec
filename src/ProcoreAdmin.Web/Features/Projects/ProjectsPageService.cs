using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>
/// What <see cref="ProjectsPage"/> does, behind one service: browsing through <see cref="ProjectBrowserService"/> and CSV
/// export through <see cref="ProjectExportService"/>. It only delegates: role checks, audit rows and rate limiting stay in
/// those services.
/// </summary>
public sealed class ProjectsPageService(ProjectBrowserService browser, ProjectExportService exports)
{
    /// <summary>The export of this circuit that stopped or was paused, if any (see <see cref="ProjectExportService.Current"/>).</summary>
    public ProjectExportJob? CurrentExport => exports.Current;

    public Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default) => browser.ListCompaniesAsync(ct);

    public Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long procoreCompanyId, CancellationToken ct = default) =>
        browser.ListCredentialsAsync(procoreCompanyId, ct);

    public Task<ProjectListPage> GetPageAsync(CredentialOption credential, long procoreCompanyId, ProjectListRequest request, CancellationToken ct = default) =>
        browser.GetPageAsync(credential, procoreCompanyId, request, ct);

    public RateLimitSnapshot? GetRateLimit(CredentialOption credential, CredentialTarget target = CredentialTarget.Primary) =>
        browser.GetRateLimit(credential, target);

    public Task<ProjectExportRun> StartExportAsync(CredentialOption credential, ProjectExportRequest request,
        IProgress<ProjectExportProgress>? progress = null, CancellationToken ct = default) =>
        exports.StartAsync(credential, request, progress, ct);

    public Task<ProjectExportRun> ResumeExportAsync(CredentialOption credential, string exportId,
        IProgress<ProjectExportProgress>? progress = null, CancellationToken ct = default) =>
        exports.ResumeAsync(credential, exportId, progress, ct);

    public void DiscardExport(string exportId) => exports.Discard(exportId);
}

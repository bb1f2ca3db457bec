using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>The outcome of one run of an export.</summary>
/// <param name="Job">The export (kept after an interruption, so it can resume).</param>
/// <param name="DownloadUrl">Set when complete: the one-time, authorised download of the CSV.</param>
public sealed record ProjectExportRun(ProjectExportJob Job, string? DownloadUrl);

/// <summary>
/// Exports a company's projects as CSV (UTF-8 with BOM), with the grid's search and status filter, using the largest
/// page Procore allows on v1.1 (300) and the client's export time budget for rate-limit waits on the app's shared
/// quota. Each page is appended to the export's file as it arrives (memory stays flat); if a page fails, the rows
/// fetched so far are kept and <see cref="ResumeAsync"/> carries on from the failed page. The finished file is
/// streamed by <see cref="ProjectsExportEndpoint"/>, not pushed through the circuit.
/// </summary>
public sealed partial class ProjectExportService(
    ICredentialDirectory directory,
    IProcoreClient procore,
    ProjectExportStore store,
    CurrentStaff staff,
    AuditTrail audit,
    TimeProvider time,
    IOptions<ProcoreClientOptions> clientOptions,
    ILogger<ProjectExportService> logger)
{
    /// <summary>The largest page /rest/v1.1/projects allows.</summary>
    public const int PageSize = 300;

    /// <summary>The export this circuit ran last, while it is not complete (what "Resume" continues).</summary>
    public ProjectExportJob? Current { get; private set; }

    public async Task<ProjectExportRun> StartAsync(CredentialOption credential, ProjectExportRequest request,
        IProgress<ProjectExportProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(request);
        var actor = await staff.RequireAsync(StaffRoles.Operator, "export projects");
        if (request.ProcoreCompanyId <= 0 || !Enum.IsDefined(request.Status) || request.CredentialId != credential.CredentialId)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "Unknown company, status filter or credential.");
        }

        if (!credential.Targets.Contains(request.Target))
        {
            throw new ArgumentOutOfRangeException(nameof(request), "This credential set does not cover the monthly sandbox.");
        }

        var cleaned = request with { Name = ProjectBrowserService.CleanSearch(request.Name) };
        var job = store.Create(actor.Issuer, actor.Subject, cleaned);
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        job.FileName = $"projects-{cleaned.ProcoreCompanyId.ToString(CultureInfo.InvariantCulture)}{FileNamePart(cleaned.Target)}-{cleaned.Status.ToString().ToLowerInvariant()}" +
                       $"{(cleaned.Name is null ? "" : "-filtered")}-{stamp}.csv";
        return await RunAsync(actor, credential, job, progress, ct);
    }

    /// <summary>"-monthly-sandbox" in the file name of a monthly-sandbox export (production exports keep their name).</summary>
    public static string FileNamePart(CredentialTarget target) => target == CredentialTarget.MonthlySandbox ? "-monthly-sandbox" : "";

    /// <summary>Carries on an interrupted export from the page that failed (only for the person who started it).</summary>
    public async Task<ProjectExportRun> ResumeAsync(CredentialOption credential, string exportId,
        IProgress<ProjectExportProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var actor = await staff.RequireAsync(StaffRoles.Operator, "export projects");
        var job = store.Find(exportId);
        if (job is null || job.OwnerIssuer != actor.Issuer || job.OwnerSubject != actor.Subject
            || job.Request.CredentialId != credential.CredentialId)
        {
            throw new StaffForbiddenException("This export does not exist any more, or it was started by someone else.");
        }

        return await RunAsync(actor, credential, job, progress, ct);
    }

    /// <summary>Drops an interrupted export and its file.</summary>
    public void Discard(string exportId)
    {
        if (store.Find(exportId) is { } job)
        {
            store.Discard(job);
        }

        if (Current?.Id == exportId)
        {
            Current = null;
        }
    }

    private async Task<ProjectExportRun> RunAsync(StaffActor actor, CredentialOption credential, ProjectExportJob job,
        IProgress<ProjectExportProgress>? progress, CancellationToken ct)
    {
        var request = job.Request;
        var target = request.ProcoreCompanyId.ToString(CultureInfo.InvariantCulture);
        if (!await job.Gate.WaitAsync(0, ct))
        {
            throw new InvalidOperationException("This export is already running.");
        }

        Current = job;
        try
        {
            if (!credential.Targets.Contains(request.Target))
            {
                throw new StaffForbiddenException("This credential set no longer covers the monthly sandbox.");
            }

            var procoreCredential = directory.ToProcoreCredential(credential, SecretSlot.Current, request.Target);
            var reporter = new Reporter(progress, job);
            reporter.Started();
            using (ProcoreTimeBudget.Begin(clientOptions.Value.ExportTimeBudget))
            {
                while (true)
                {
                    var query = new ProjectQuery
                    {
                        Version = ProjectsApiVersion.V1_1,
                        Status = request.Status,
                        Name = request.Name,
                        Sort = ProjectSort.Name,
                        Page = job.NextPage,
                        PerPage = PageSize,
                    };
                    var page = await procore.GetProjectsPageAsync(procoreCredential, request.ProcoreCompanyId, query, ct, reporter);
                    await AppendAsync(job, page.Items, ct);
                    job.Rows += page.Items.Count;
                    job.TotalRows = page.Total ?? job.TotalRows;
                    job.NextPage++;
                    reporter.PageDone();
                    if (!page.HasNextPage || page.Items.Count == 0)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await audit.RecordAsync(actor, "projects.export", AuditTargets.Company, target, AuditOutcomes.Cancelled,
                $"credential {credential.CredentialId}; {job.Rows} rows kept; can resume at page {job.NextPage}", CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is ProcoreApiException or CredentialUnreadableException)
        {
            var kind = ex is ProcoreApiException p ? p.Kind.ToString() : "CredentialUnreadable";
            LogExportInterrupted(logger, request.ProcoreCompanyId, credential.CredentialId, kind, job.NextPage);
            await audit.RecordAsync(actor, "projects.export", AuditTargets.Company, target, AuditOutcomes.Failed,
                $"credential {credential.CredentialId}; {job.Rows} rows kept; {kind}; can resume at page {job.NextPage}", CancellationToken.None);
            throw;
        }
        finally
        {
            job.Gate.Release();
        }

        await audit.RecordAsync(actor, "projects.export", AuditTargets.Company, target, AuditOutcomes.Succeeded,
            $"credential {credential.CredentialId}; {DescribeTarget(request.Target)}; status {request.Status}; {(request.Name is null ? "all names" : "name filter")}; {job.Rows} rows",
            CancellationToken.None);
        LogExported(logger, request.ProcoreCompanyId, job.Rows);
        Current = null;
        var token = store.IssueDownload(job);
        return new ProjectExportRun(job, ProjectsExportEndpoint.PathFor(token));
    }

    private static string DescribeTarget(CredentialTarget target) => target == CredentialTarget.MonthlySandbox ? "monthly sandbox" : "primary environment";

    private static async Task AppendAsync(ProjectExportJob job, IReadOnlyList<ProcoreProject> items, CancellationToken ct)
    {
        var fresh = !File.Exists(job.FilePath);
        var sb = new StringBuilder();
        if (fresh)
        {
            sb.Append(ProjectCsv.Header).Append("\r\n");
        }

        foreach (var project in items)
        {
            ProjectCsv.AppendRow(sb, project);
        }

        await using var file = new FileStream(job.FilePath, FileMode.Append, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        if (fresh)
        {
            await file.WriteAsync(Encoding.UTF8.GetPreamble(), CancellationToken.None);
        }

        // Written whole, without the caller's token: a page is either in the file (and NextPage moves on) or not.
        await file.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), CancellationToken.None);
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Turns the client's progress into pages done / total and rate-limit waits.</summary>
    private sealed class Reporter(IProgress<ProjectExportProgress>? target, ProjectExportJob job) : IProgress<ProcoreProgress>
    {
        public void Started() => target?.Report(Snapshot(false, null, job.NextPage > 1 ? $"Resuming at page {job.NextPage}" : "Starting"));

        public void PageDone() => target?.Report(Snapshot(false, null, null));

        public void Report(ProcoreProgress value)
        {
            if (value.Kind is ProcoreProgressKind.WaitingForRateLimit or ProcoreProgressKind.WaitingToRetry)
            {
                target?.Report(Snapshot(value.Kind == ProcoreProgressKind.WaitingForRateLimit, value.Wait, value.Message));
            }
        }

        private ProjectExportProgress Snapshot(bool waiting, TimeSpan? wait, string? message)
        {
            int? totalPages = job.TotalRows is { } t ? (int)Math.Max(1, (t + PageSize - 1) / PageSize) : null;
            return new ProjectExportProgress(job.NextPage - 1, totalPages, job.Rows, job.TotalRows, waiting, wait, message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Rows} projects of company {CompanyId}")]
    private static partial void LogExported(ILogger logger, long companyId, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project export of company {CompanyId} with credential {CredentialId} was interrupted ({Kind}); it can resume at page {NextPage}")]
    private static partial void LogExportInterrupted(ILogger logger, long companyId, long credentialId, string kind, int nextPage);
}

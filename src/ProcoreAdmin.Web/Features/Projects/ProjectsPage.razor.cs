using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>
/// Browse one company's Procore projects page by page, with search, status filter, detail panel and CSV export.
/// Composed of <see cref="ProjectsFilters"/>, <see cref="ProjectsTable"/>, <see cref="ProjectDetailPanel"/> and the export
/// pieces. Kept light per circuit: plain markup with MudBlazor's classes where a component per control or cell would be
/// held by every open tab, and only the visible page of projects in memory.
/// </summary>
public partial class ProjectsPage : IDisposable
{
    [Inject] public required ProjectsPageService Projects { get; init; }
    [Inject] public required UserActions Actions { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The chosen company, kept in the address bar so a reload, bookmark or shared link opens it again.</summary>
    [SupplyParameterFromQuery(Name = "company")]
    public long? CompanyQuery { get; set; }

    /// <summary>"monthly" when the monthly sandbox of a covering credential set is on screen; kept in the address like the company.</summary>
    [SupplyParameterFromQuery(Name = "env")]
    public string? EnvironmentQuery { get; set; }

    /// <summary>The address value of <see cref="CredentialTarget.MonthlySandbox"/>.</summary>
    public const string MonthlyQueryValue = "monthly";

    private IReadOnlyList<CompanyOption>? _companies;
    private IReadOnlyList<CredentialOption> _credentials = [];
    private CredentialOption? _credential;
    private CredentialTarget _target = CredentialTarget.Primary;
    private long? _companyId;
    private string? _search;
    private ProjectStatusFilter _status = ProjectStatusFilter.Active;
    private int _gridKey;
    private ProcoreProject? _selected;
    private RateLimitSnapshot? _rateLimit;
    private ProjectProblem? _error;
    private string? _message;
    private Severity _messageSeverity = Severity.Info;
    private ProjectExportProgress? _export;
    private ProjectExportJob? _interrupted;
    private CancellationTokenSource? _exportCancel;

    protected override async Task OnInitializedAsync()
    {
        // Prerendering: render the shell only. Companies and projects load once the circuit is interactive, so the
        // database and Procore are each asked once per page view, not twice.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        var refused = await Actions.RunAsync(async () => _companies = await Projects.ListCompaniesAsync());
        if (refused is not null)
        {
            _companies = [];
            _error = ProjectProblem.NotAllowed(refused);
            return;
        }

        if (CompanyQuery is { } requested && _companies!.Any(c => c.ProcoreCompanyId == requested))
        {
            await OnCompanyChangedAsync(requested, fromAddress: true);
        }
    }

    private Task OnCompanyChangedAsync(long? companyId) => OnCompanyChangedAsync(companyId, fromAddress: false);

    private async Task OnCompanyChangedAsync(long? companyId, bool fromAddress)
    {
        _companyId = companyId;
        _selected = null;
        _error = null;
        IReadOnlyList<CredentialOption> credentials = [];
        var refused = companyId is { } id ? await Actions.RunAsync(async () => credentials = await Projects.ListCredentialsAsync(id)) : null;
        if (refused is not null)
        {
            _error = ProjectProblem.NotAllowed(refused);
        }

        _credentials = credentials;
        _credential = _credentials.Count > 0 ? _credentials[0] : null;
        // Opened from an address with env=monthly: the monthly sandbox, if this company's set covers it; otherwise production.
        _target = fromAddress && string.Equals(EnvironmentQuery, MonthlyQueryValue, StringComparison.Ordinal) ? CredentialTarget.MonthlySandbox : _target;
        ApplyTarget(_target);
    }

    private void OnCredentialChanged(long credentialId)
    {
        _credential = _credentials.FirstOrDefault(c => c.CredentialId == credentialId) ?? _credential;
        _selected = null;
        ApplyTarget(_target);
    }

    private void OnTargetChanged(CredentialTarget target)
    {
        _selected = null;
        ApplyTarget(target);
    }

    /// <summary>
    /// Shows <paramref name="target"/> (production when the chosen set does not cover the monthly sandbox), reloads the
    /// grid and keeps company and environment in the address.
    /// </summary>
    private void ApplyTarget(CredentialTarget target)
    {
        _target = _credential is { } credential && credential.Targets.Contains(target) ? target : CredentialTarget.Primary;
        _rateLimit = _credential is null ? null : Projects.GetRateLimit(_credential, _target);
        _gridKey++;

        var env = _target == CredentialTarget.MonthlySandbox ? MonthlyQueryValue : null;
        if (_companyId != CompanyQuery || !string.Equals(env, EnvironmentQuery, StringComparison.Ordinal))
        {
            Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
            {
                ["company"] = _companyId,
                ["env"] = env,
            }), replace: true);
        }
    }

    private void OnSearchChanged(string? search)
    {
        _search = search;
        _gridKey++;
    }

    private void OnStatusChanged(ProjectStatusFilter status)
    {
        _status = status;
        _gridKey++;
    }

    private void OnSelect(ProcoreProject project) => _selected = project;

    /// <summary>One page from Procore for the grid; on failure the page shows why and the grid shows no rows.</summary>
    private async Task<ProjectListPage?> LoadPageAsync(ProjectSort? sort, int page, int pageSize, CancellationToken ct)
    {
        if (_credential is not { } credential || _companyId is not { } companyId)
        {
            return null;
        }

        ProjectListPage? result = null;
        ProjectProblem? problem = null;
        var refused = await Actions.RunAsync(async () =>
        {
            try
            {
                result = await Projects.GetPageAsync(credential, companyId, new ProjectListRequest(_search, _status, sort, page, pageSize, _target), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // A newer request replaced this one.
            }
            catch (Exception ex) when (ex is ProcoreApiException or CredentialUnreadableException or ArgumentException)
            {
                problem = ProjectProblem.From(ex);
            }
        });
        if (ct.IsCancellationRequested)
        {
            return null;
        }

        problem ??= refused is null ? null : ProjectProblem.NotAllowed(refused);
        var rateLimit = result?.RateLimit ?? Projects.GetRateLimit(credential, _target);
        if (!Equals(_error, problem) || !Equals(_rateLimit, rateLimit))
        {
            _error = problem;
            _rateLimit = rateLimit;
            StateHasChanged();
        }

        return result;
    }

    private Task ExportAsync() =>
        _credential is { } credential && _companyId is { } companyId
            ? RunExportAsync(credential, (c, p, ct) => Projects.StartExportAsync(c, new ProjectExportRequest(c.CredentialId, companyId, _search, _status, _target), p, ct))
            : Task.CompletedTask;

    private Task ResumeExportAsync() =>
        _credential is { } credential && _interrupted is { } job
            ? RunExportAsync(credential, (c, p, ct) => Projects.ResumeExportAsync(c, job.Id, p, ct))
            : Task.CompletedTask;

    private void DiscardExport()
    {
        if (_interrupted is { } job)
        {
            Projects.DiscardExport(job.Id);
            _interrupted = null;
        }
    }

    private async Task RunExportAsync(CredentialOption credential,
        Func<CredentialOption, IProgress<ProjectExportProgress>, CancellationToken, Task<ProjectExportRun>> run)
    {
        if (_export is not null)
        {
            return;
        }

        _exportCancel = new CancellationTokenSource();
        _export = new ProjectExportProgress(0, null, 0, null, false, null, "Starting");
        _message = null;
        _error = null;
        try
        {
            var refused = await Actions.RunAsync(() => ExportAndDownloadAsync(credential, run, _exportCancel.Token));
            if (refused is not null)
            {
                _error = ProjectProblem.NotAllowed(refused);
                _interrupted = Projects.CurrentExport;
            }
        }
        finally
        {
            _export = null;
            _exportCancel?.Dispose();
            _exportCancel = null;
            _rateLimit = Projects.GetRateLimit(credential, _target);
        }
    }

    private async Task ExportAndDownloadAsync(CredentialOption credential,
        Func<CredentialOption, IProgress<ProjectExportProgress>, CancellationToken, Task<ProjectExportRun>> run, CancellationToken ct)
    {
        try
        {
            var result = await run(credential, ExportProgress(), ct);
            _interrupted = null;
            // The file is streamed by an authorised one-time endpoint, not pushed through the circuit.
            await JS.InvokeVoidAsync("procoreAdmin.downloadUrl", result.DownloadUrl);
            Show($"Exported {result.Job.Rows:N0} projects to {result.Job.FileName}.", Severity.Success);
        }
        catch (OperationCanceledException)
        {
            _interrupted = Projects.CurrentExport;
            Show("Export paused. The rows fetched so far are kept: Resume carries on from the next page.", Severity.Info);
        }
        catch (Exception ex) when (ex is ProcoreApiException or CredentialUnreadableException or InvalidOperationException)
        {
            _error = ProjectProblem.From(ex);
            _interrupted = Projects.CurrentExport;
            Show(_interrupted is { } job
                ? $"The export stopped at page {job.NextPage} with {job.Rows:N0} rows kept. Resume carries on from that page."
                : "The export stopped.", Severity.Warning);
        }
        catch (JSException)
        {
            Show("The file could not be handed to the browser.", Severity.Warning);
        }
    }

    /// <summary>Progress from the export's pages, rendered at a modest rate; rate-limit waits show at once.</summary>
    private SyncProgress<ProjectExportProgress> ExportProgress()
    {
        var lastRender = DateTimeOffset.MinValue;
        return new SyncProgress<ProjectExportProgress>(p => _ = InvokeAsync(() =>
        {
            if (_export is null)
            {
                return;
            }

            _export = p;
            var now = Time.GetUtcNow();
            if (p.WaitingForRateLimit || (now - lastRender).TotalMilliseconds > 150)
            {
                lastRender = now;
                StateHasChanged();
            }
        }));
    }

    private void CancelExport() => _exportCancel?.Cancel();

    private void Show(string message, Severity severity)
    {
        _message = message;
        _messageSeverity = severity;
    }

    public void Dispose()
    {
        _exportCancel?.Cancel();
        GC.SuppressFinalize(this);
    }

    /// <summary>An IProgress that calls back synchronously (no SynchronizationContext capture).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

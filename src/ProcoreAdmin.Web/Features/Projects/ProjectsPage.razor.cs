using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>
/// Browse one company's Procore projects page by page (grid over <c>ServerData</c>), with search, status filter, detail
/// panel and CSV export. Kept light per circuit: plain cells (one shared render fragment, no component per row).
/// </summary>
public partial class ProjectsPage : IDisposable
{
    [Inject] public required ProjectBrowserService Projects { get; init; }
    [Inject] public required ProjectExportService Exports { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The status cell: plain text, one cached fragment for every row (a chip component per row cost ~25 components per page).</summary>
    private static readonly RenderFragment<CellContext<ProcoreProject>> StatusCell = context => builder =>
    {
        var inactive = context.Item.Active == false;
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", inactive ? "mud-text-secondary" : "mud-success-text");
        builder.AddContent(2, inactive ? "Inactive" : "Active");
        builder.CloseElement();
    };

    private static readonly int[] PageSizes = [10, 25, 50, ProjectBrowserService.MaxPageSize];

    [SupplyParameterFromQuery(Name = "company")]
    public long? CompanyQuery { get; set; }

    private IReadOnlyList<CompanyOption>? _companies;
    private IReadOnlyList<CredentialOption> _credentials = [];
    private CredentialOption? _credential;
    private long? _companyId;
    private string? _search;
    private ProjectStatusFilter _status = ProjectStatusFilter.Active;
    private int _pageSize = 25;
    private int _gridKey;
    private ProcoreProject? _selected;
    private RateLimitSnapshot? _rateLimit;
    private ProblemView? _error;
    private string? _message;
    private Severity _messageSeverity = Severity.Info;
    private ProjectExportProgress? _export;
    private CancellationTokenSource? _exportCancel;
    private Func<GridState<ProcoreProject>, CancellationToken, Task<GridData<ProcoreProject>>> _serverData = default!;

    /// <summary>An error shown on the page; the circuit carries on.</summary>
    private sealed record ProblemView(string Title, string Explanation, string? Detail, string? RequestId);

    protected override async Task OnInitializedAsync()
    {
        _serverData = LoadPageAsync;

        // Prerendering: render the shell only. Companies and projects load once the circuit is interactive, so the
        // database and Procore are each asked once per page view, not twice.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        try
        {
            _companies = await Projects.ListCompaniesAsync();
        }
        catch (StaffForbiddenException ex)
        {
            _companies = [];
            _error = new ProblemView("Not allowed", ex.Message, null, null);
            return;
        }

        if (CompanyQuery is { } requested && _companies.Any(c => c.ProcoreCompanyId == requested))
        {
            await OnCompanyChangedAsync(requested);
        }
    }

    private async Task OnCompanyChangedAsync(long? companyId)
    {
        _companyId = companyId;
        _selected = null;
        _error = null;
        _credentials = companyId is { } id ? await Projects.ListCredentialsAsync(id) : [];
        _credential = _credentials.Count > 0 ? _credentials[0] : null;
        _rateLimit = _credential is null ? null : Projects.GetRateLimit(_credential);
        _gridKey++;

        // The address bar follows the chosen company, so a reload, a bookmark or a shared link opens it again.
        if (companyId != CompanyQuery)
        {
            Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("company", companyId), replace: true);
        }
    }

    private static readonly (ProjectStatusFilter Value, string Text)[] StatusChoices =
        [(ProjectStatusFilter.Active, "Active"), (ProjectStatusFilter.Inactive, "Inactive"), (ProjectStatusFilter.All, "All")];

    private Task OnCompanySelectedAsync(ChangeEventArgs e) =>
        OnCompanyChangedAsync(long.TryParse(e.Value?.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null);

    private void OnCredentialSelected(ChangeEventArgs e)
    {
        if (long.TryParse(e.Value?.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            OnCredentialChanged(id);
        }
    }

    private void OnStatusSelected(ChangeEventArgs e)
    {
        if (Enum.TryParse<ProjectStatusFilter>(e.Value?.ToString(), out var status) && Enum.IsDefined(status))
        {
            OnStatusChanged(status);
        }
    }

    private void OnCredentialChanged(long? credentialId)
    {
        _credential = _credentials.FirstOrDefault(c => c.CredentialId == credentialId) ?? _credential;
        _rateLimit = _credential is null ? null : Projects.GetRateLimit(_credential);
        _selected = null;
        _gridKey++;
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

    private void OnRowClick(DataGridRowClickEventArgs<ProcoreProject> args) => _selected = args.Item;

    private string RowClass(ProcoreProject project, int index) => _selected?.Id == project.Id ? "mud-selected-item" : "";

    private async Task<GridData<ProcoreProject>> LoadPageAsync(GridState<ProcoreProject> state, CancellationToken ct)
    {
        if (_credential is not { } credential || _companyId is not { } companyId)
        {
            return new GridData<ProcoreProject> { Items = [], TotalItems = 0 };
        }

        var sort = state.SortDefinitions.FirstOrDefault() is { } s
            ? (s.SortBy, s.Descending) switch
            {
                (nameof(ProcoreProject.DisplayName), false) => ProjectSort.DisplayName,
                (nameof(ProcoreProject.DisplayName), true) => ProjectSort.DisplayNameDescending,
                (_, true) => ProjectSort.NameDescending,
                _ => ProjectSort.Name,
            }
            : (ProjectSort?)null;
        try
        {
            var page = await Projects.GetPageAsync(credential, companyId,
                new ProjectListRequest(_search, _status, sort, state.Page + 1, state.PageSize), ct);
            var changed = _error is not null || !Equals(_rateLimit, page.RateLimit);
            _error = null;
            _rateLimit = page.RateLimit;
            if (changed)
            {
                StateHasChanged();
            }

            return new GridData<ProcoreProject> { Items = page.Items, TotalItems = page.TotalItems };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new GridData<ProcoreProject> { Items = [], TotalItems = 0 };
        }
        catch (Exception ex) when (ex is ProcoreApiException or CredentialUnreadableException or StaffForbiddenException or ArgumentException)
        {
            _error = Describe(ex);
            _rateLimit = Projects.GetRateLimit(credential);
            StateHasChanged();
            return new GridData<ProcoreProject> { Items = [], TotalItems = 0 };
        }
    }

    private ProjectExportJob? _interrupted;

    private Task ExportAsync() =>
        _credential is { } credential && _companyId is { } companyId
            ? RunExportAsync(credential, (c, p, ct) => Exports.StartAsync(c, new ProjectExportRequest(c.CredentialId, companyId, _search, _status), p, ct))
            : Task.CompletedTask;

    private Task ResumeExportAsync() =>
        _credential is { } credential && _interrupted is { } job
            ? RunExportAsync(credential, (c, p, ct) => Exports.ResumeAsync(c, job.Id, p, ct))
            : Task.CompletedTask;

    private void DiscardExport()
    {
        if (_interrupted is { } job)
        {
            Exports.Discard(job.Id);
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
        var lastRender = DateTimeOffset.MinValue;
        var progress = new SyncProgress<ProjectExportProgress>(p =>
        {
            _ = InvokeAsync(() =>
            {
                if (_export is null)
                {
                    return;
                }

                _export = p;
                // Keep the render rate modest while pages stream in; waits always show at once.
                var now = Time.GetUtcNow();
                if (p.WaitingForRateLimit || (now - lastRender).TotalMilliseconds > 150)
                {
                    lastRender = now;
                    StateHasChanged();
                }
            });
        });

        try
        {
            var result = await run(credential, progress, _exportCancel.Token);
            _interrupted = null;
            // The file is streamed by an authorised one-time endpoint, not pushed through the circuit.
            await JS.InvokeVoidAsync("procoreAdmin.downloadUrl", result.DownloadUrl);
            Show($"Exported {result.Job.Rows:N0} projects to {result.Job.FileName}.", Severity.Success);
        }
        catch (OperationCanceledException)
        {
            _interrupted = Exports.Current;
            Show("Export paused. The rows fetched so far are kept: Resume carries on from the next page.", Severity.Info);
        }
        catch (Exception ex) when (ex is ProcoreApiException or CredentialUnreadableException or StaffForbiddenException or InvalidOperationException)
        {
            _error = Describe(ex);
            _interrupted = Exports.Current;
            Show(_interrupted is { } job
                ? $"The export stopped at page {job.NextPage} with {job.Rows:N0} rows kept. Resume carries on from that page."
                : "The export stopped.", Severity.Warning);
        }
        catch (JSException)
        {
            Show("The file could not be handed to the browser.", Severity.Warning);
        }
        finally
        {
            _export = null;
            _exportCancel?.Dispose();
            _exportCancel = null;
            _rateLimit = Projects.GetRateLimit(credential);
        }
    }

    private void CancelExport() => _exportCancel?.Cancel();

    private void Show(string message, Severity severity)
    {
        _message = message;
        _messageSeverity = severity;
    }

    private static ProblemView Describe(Exception ex) => ex switch
    {
        ProcoreApiException p => new ProblemView(
            p.StatusCode is { } status ? $"Procore answered {status} ({p.Kind})" : $"The call to Procore failed ({p.Kind})",
            p.Explanation, p.ProcoreMessage, p.RequestId),
        CredentialUnreadableException => new ProblemView("The credential's secret cannot be read", ex.Message, null, null),
        StaffForbiddenException => new ProblemView("Not allowed", ex.Message, null, null),
        _ => new ProblemView("The request was not valid", ex.Message, null, null),
    };

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

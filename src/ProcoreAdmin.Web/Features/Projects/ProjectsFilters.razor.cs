using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Components.Layout;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>The projects page's filter bar. The search applies 350 ms after the last keystroke.</summary>
public partial class ProjectsFilters
{
    public static readonly TimeSpan SearchDebounce = TimeSpan.FromMilliseconds(350);

    private static readonly (ProjectStatusFilter Value, string Text)[] StatusChoices =
        [(ProjectStatusFilter.Active, "Active"), (ProjectStatusFilter.Inactive, "Inactive"), (ProjectStatusFilter.All, "All")];

    private static readonly MarkupString ExportContent = new(
        $"""<span class="mud-button-label"><span class="mud-button-icon-start mud-button-icon-size-medium">{AppBarIcon.Svg(Icons.Material.Filled.Download)}</span>Export</span>""");

    private ITimer? _debounce;

    private long? CredentialId => Credential?.CredentialId;
    private string? _typed;
    private bool _canExport;

    [Parameter, EditorRequired] public IReadOnlyList<CompanyOption> Companies { get; set; } = [];
    [Parameter] public long? CompanyId { get; set; }
    [Parameter] public IReadOnlyList<CredentialOption> Credentials { get; set; } = [];
    /// <summary>The chosen credential set (null when the company has none).</summary>
    [Parameter] public CredentialOption? Credential { get; set; }

    /// <summary>Production or the monthly sandbox (only offered when <see cref="Credential"/> covers it).</summary>
    [Parameter] public CredentialTarget Target { get; set; }
    [Parameter] public string? Search { get; set; }
    [Parameter] public ProjectStatusFilter Status { get; set; }
    [Parameter] public bool ExportBusy { get; set; }

    [Parameter] public EventCallback<long?> OnCompanyChanged { get; set; }
    [Parameter] public EventCallback<long> OnCredentialChanged { get; set; }
    [Parameter] public EventCallback<CredentialTarget> OnTargetChanged { get; set; }
    [Parameter] public EventCallback<string?> OnSearchChanged { get; set; }
    [Parameter] public EventCallback<ProjectStatusFilter> OnStatusChanged { get; set; }
    [Parameter] public EventCallback OnExport { get; set; }

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _typed = Search;
        // Export is for Operators (the service checks again).
        _canExport = AuthenticationState is { } state && (await state).User.IsInRole(StaffRoles.Operator);
    }

    private Task OnCompanySelectedAsync(ChangeEventArgs e) =>
        OnCompanyChanged.InvokeAsync(TryParseId(e, out var id) ? id : null);

    private Task OnCredentialSelectedAsync(ChangeEventArgs e) =>
        TryParseId(e, out var id) ? OnCredentialChanged.InvokeAsync(id) : Task.CompletedTask;

    private Task OnStatusSelectedAsync(ChangeEventArgs e) =>
        Enum.TryParse<ProjectStatusFilter>(e.Value?.ToString(), out var status) && Enum.IsDefined(status)
            ? OnStatusChanged.InvokeAsync(status)
            : Task.CompletedTask;

    private void OnSearchInput(ChangeEventArgs e)
    {
        _typed = e.Value?.ToString();
        _debounce ??= Time.CreateTimer(_ => _ = InvokeAsync(ApplySearchAsync), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _debounce.Change(SearchDebounce, Timeout.InfiniteTimeSpan);
    }

    private Task ApplySearchAsync()
    {
        var typed = string.IsNullOrEmpty(_typed) ? null : _typed;
        return typed == Search ? Task.CompletedTask : OnSearchChanged.InvokeAsync(typed);
    }

    private static bool TryParseId(ChangeEventArgs e, out long id) =>
        long.TryParse(e.Value?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out id);

    public void Dispose()
    {
        _debounce?.Dispose();
        GC.SuppressFinalize(this);
    }
}

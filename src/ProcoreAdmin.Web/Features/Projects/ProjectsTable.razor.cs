using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Components.Layout;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>
/// The projects grid: asks <see cref="Load"/> for one page at a time (Procore pages, sorts and filters; nothing beyond the
/// visible page is held). Re-create it (<c>@key</c>) when the company, credential, search or status changes.
/// </summary>
public partial class ProjectsTable : IDisposable
{
    public static readonly int[] PageSizes = [10, 25, 50, ProjectBrowserService.MaxPageSize];

    private const string PagerButtonClass = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-flip-x-rtl";
    private static readonly MarkupString FirstIcon = PagerIcon("<path d=\"M18.41 16.59L13.82 12l4.59-4.59L17 6l-6 6 6 6zM6 6h2v12H6z\"/>");
    private static readonly MarkupString PreviousIcon = PagerIcon("<path d=\"M15.41 7.41L14 6l-6 6 6 6 1.41-1.41L10.83 12z\"/>");
    private static readonly MarkupString NextIcon = PagerIcon("<path d=\"M10 6L8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z\"/>");
    private static readonly MarkupString LastIcon = PagerIcon("<path d=\"M5.59 7.41L10.18 12l-4.59 4.59L7 18l6-6-6-6zM16 6h2v12h-2z\"/>");
    private static readonly MarkupString Active = new("<span class=\"mud-success-text\">Active</span>");
    private static readonly MarkupString Inactive = new("<span class=\"mud-text-secondary\">Inactive</span>");
    private static readonly string SortIconAscending = AppBarIcon.Svg(Icons.Material.Filled.ArrowUpward, "mud-table-sort-label-icon mud-direction-asc");
    private static readonly string SortIconDescending = AppBarIcon.Svg(Icons.Material.Filled.ArrowUpward, "mud-table-sort-label-icon mud-direction-desc");
    private static readonly string SortIconNone = AppBarIcon.Svg(Icons.Material.Filled.ArrowUpward, "mud-table-sort-label-icon");

    /// <summary>A sortable column header; one cached fragment for both sortable columns.</summary>
    private static readonly RenderFragment<(ProjectsTable Table, string Title, string Column)> SortHeader = header => builder =>
    {
        var (table, title, column) = header;
        var sorted = table._sortBy == column;
        builder.OpenElement(0, "th");
        builder.AddAttribute(1, "scope", "col");
        builder.AddAttribute(2, "class", "mud-table-cell");
        builder.AddAttribute(3, "aria-sort", !sorted ? "none" : table._descending ? "descending" : "ascending");
        builder.OpenElement(4, "button");
        builder.AddAttribute(5, "type", "button");
        builder.AddAttribute(6, "class", "mud-button-root mud-table-sort-label");
        builder.AddAttribute(7, "data-sort", column);
        builder.AddAttribute(8, "onclick", EventCallback.Factory.Create<MouseEventArgs>(table, () => table.SortAsync(column)));
        builder.AddContent(9, title);
        builder.AddMarkupContent(10, !sorted ? SortIconNone : table._descending ? SortIconDescending : SortIconAscending);
        builder.CloseElement();
        builder.CloseElement();
    };

    private IReadOnlyList<ProcoreProject> _items = [];
    private int _total;
    private int _page;
    private int _pageSize = 25;
    private string? _sortBy;
    private bool _descending;
    private bool _loading;
    private CancellationTokenSource? _inFlight;

    /// <summary>Fetches one page (sort, 1-based page, page size); null when it failed (the caller shows why).</summary>
    [Parameter, EditorRequired]
    public Func<ProjectSort?, int, int, CancellationToken, Task<ProjectListPage?>> Load { get; set; } = default!;

    [Parameter]
    public long? SelectedId { get; set; }

    [Parameter]
    public EventCallback<ProcoreProject> OnSelect { get; set; }

    private int LastPage => _total <= 0 ? 0 : (_total - 1) / _pageSize;

    private string RangeText => _total == 0
        ? "0-0 of 0"
        : string.Create(CultureInfo.InvariantCulture, $"{(_page * _pageSize) + 1:N0}-{Math.Min(_total, (_page + 1) * _pageSize):N0} of {_total:N0}");

    protected override Task OnInitializedAsync() => LoadAsync();

    private ProjectSort? Sort => (_sortBy, _descending) switch
    {
        (null, _) => null,
        (nameof(ProcoreProject.DisplayName), false) => ProjectSort.DisplayName,
        (nameof(ProcoreProject.DisplayName), true) => ProjectSort.DisplayNameDescending,
        (_, true) => ProjectSort.NameDescending,
        _ => ProjectSort.Name,
    };

    private async Task LoadAsync()
    {
        if (_inFlight is { } previous)
        {
            await previous.CancelAsync();
            previous.Dispose();
        }

        var cancel = _inFlight = new CancellationTokenSource();
        _loading = true;
        StateHasChanged();
        var page = await Load(Sort, _page + 1, _pageSize, cancel.Token);
        if (cancel.IsCancellationRequested)
        {
            return;
        }

        _items = page?.Items ?? [];
        _total = page?.TotalItems ?? 0;
        _loading = false;
    }

    private Task GoToAsync(int page)
    {
        _page = Math.Clamp(page, 0, LastPage);
        return LoadAsync();
    }

    /// <summary>Like MudDataGrid: ascending, then descending, then Procore's own order.</summary>
    private Task SortAsync(string column)
    {
        if (_sortBy != column)
        {
            (_sortBy, _descending) = (column, false);
        }
        else if (!_descending)
        {
            _descending = true;
        }
        else
        {
            (_sortBy, _descending) = (null, false);
        }

        _page = 0;
        return LoadAsync();
    }

    private Task OnPageSizeChangedAsync(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || !PageSizes.Contains(size))
        {
            return Task.CompletedTask;
        }

        // Keep the first visible row on screen.
        _page = _page * _pageSize / size;
        _pageSize = size;
        return LoadAsync();
    }

    private Task SelectAsync(ProcoreProject project) => OnSelect.InvokeAsync(project);

    private Task OnRowKeyAsync(KeyboardEventArgs e, ProcoreProject project) =>
        e.Key == "Enter" ? SelectAsync(project) : Task.CompletedTask;

    private static MarkupString PagerIcon(string path) =>
        new($"""<span class="mud-icon-button-label"><svg class="mud-icon-root mud-svg-icon mud-icon-size-medium" focusable="false" viewBox="0 0 24 24" aria-hidden="true" role="img">{path}</svg></span>""");

    public void Dispose()
    {
        _inFlight?.Cancel();
        _inFlight?.Dispose();
        GC.SuppressFinalize(this);
    }
}

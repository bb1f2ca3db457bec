using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G6's side-by-side leg, in-process with bUnit: the projects page's MudDataGrid (same columns, Dense, single sort,
/// 25 rows per page, pager) bound to <c>Items</c> with all 10,000 projects and a sort on Name, against the same grid with
/// <c>ServerData</c> returning one 25-row page of a list already sorted by name (what an indexed source returns). The time
/// of a "Next page" (what the pager's button calls) is compared (median of <see cref="Rounds"/> after warm-up); rendering to bUnit's DOM is part
/// of both legs. Both legs run in this process, so the ratio is independent of the machine's speed.
/// </summary>
public static class GridSideBySide
{
    private const int ProjectCount = 10_000;
    private const int PageSize = 25;
    private const int WarmUp = 3;
    private const int Rounds = 10;

    public sealed record Result(double ItemsMs, double ServerDataMs, double Ratio);

    public static async Task<Result> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var random = new Random(20240601);
        var projects = Enumerable.Range(1, ProjectCount).Select(i => new ProcoreProject
        {
            Id = 8_000_000_000 + i,
            Name = $"Project {random.Next(1_000_000):D6} {(char)('A' + (i % 26))}",
            DisplayName = $"P-{i:D5}",
            ProjectNumber = $"{i:D5}",
            City = (i % 3) switch { 0 => "Denver", 1 => "Austin", _ => "Carpinteria" },
            Active = i % 7 != 0,
        }).ToList();
        var byName = projects.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

        var itemsMs = await MeasureAsync(projects, serverData: null, ct);
        var serverMs = await MeasureAsync(null, (state, _) =>
        {
            var page = byName.Skip(state.Page * state.PageSize).Take(state.PageSize).ToList();
            return Task.FromResult(new GridData<ProcoreProject> { Items = page, TotalItems = byName.Count });
        }, ct);
        var ratio = itemsMs / serverMs;
        context.Detail(string.Create(CultureInfo.InvariantCulture,
            $"side-by-side (bUnit, in-process, median of {Rounds} page changes): Items = {ProjectCount:N0} rows sorted by Name {itemsMs:0.00} ms, ServerData 25-row page {serverMs:0.00} ms, ratio {ratio:0.0}x"));
        return new Result(itemsMs, serverMs, ratio);
    }

    private static async Task<double> MeasureAsync(List<ProcoreProject>? items,
        Func<GridState<ProcoreProject>, CancellationToken, Task<GridData<ProcoreProject>>>? serverData, CancellationToken ct)
    {
        await using var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        var cut = bunit.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDataGrid<ProcoreProject>>(1);
            if (items is not null)
            {
                builder.AddComponentParameter(2, nameof(MudDataGrid<ProcoreProject>.Items), items);
            }
            else
            {
                builder.AddComponentParameter(3, nameof(MudDataGrid<ProcoreProject>.ServerData), serverData);
            }

            builder.AddComponentParameter(4, nameof(MudDataGrid<ProcoreProject>.RowsPerPage), PageSize);
            builder.AddComponentParameter(5, nameof(MudDataGrid<ProcoreProject>.Dense), true);
            builder.AddComponentParameter(6, nameof(MudDataGrid<ProcoreProject>.Hover), true);
            builder.AddComponentParameter(7, nameof(MudDataGrid<ProcoreProject>.SortMode), SortMode.Single);
            builder.AddComponentParameter(8, nameof(MudDataGrid<ProcoreProject>.Filterable), false);
            builder.AddComponentParameter(9, nameof(MudDataGrid<ProcoreProject>.Columns), (RenderFragment)Columns);
            builder.AddComponentParameter(10, nameof(MudDataGrid<ProcoreProject>.PagerContent), (RenderFragment)(b =>
            {
                b.OpenComponent<MudDataGridPager<ProcoreProject>>(0);
                b.AddComponentParameter(1, nameof(MudDataGridPager<ProcoreProject>.PageSizeOptions), new[] { 10, 25, 50, 100 });
                b.CloseComponent();
            }));
            builder.CloseComponent();
        });
        var grid = cut.FindComponent<MudDataGrid<ProcoreProject>>();
        await cut.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(ProcoreProject.Name), SortDirection.Ascending, p => p.Name!));

        var times = new List<double>();
        for (var i = 0; i < WarmUp + Rounds; i++)
        {
            ct.ThrowIfCancellationRequested();
            var before = FirstCell(cut);
            // Timed: the page change the pager's button triggers (grid.NavigateTo(Page.Next)) and the render it causes.
            // bUnit's HTML/DOM update is not timed (it has no counterpart on the server); the DOM is checked right after,
            // without waiting, so a render that finished outside the timed window fails the run instead of flattering it.
            var watch = Stopwatch.StartNew();
            await cut.InvokeAsync(() => grid.Instance.NavigateTo(Page.Next));
            watch.Stop();
            if (FirstCell(cut) == before)
            {
                throw new InvalidOperationException("The grid had not rendered the next page when NavigateTo returned.");
            }

            if (i >= WarmUp)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static string FirstCell(IRenderedComponent<Bunit.Rendering.ContainerFragment> cut) =>
        cut.Find("tbody tr.mud-table-row td").TextContent;

    private static void Columns(RenderTreeBuilder b)
    {
        b.OpenRegion(0);
        AddColumn(b, p => p.Name!, "Name", sortable: true);
        b.CloseRegion();
        b.OpenRegion(1);
        AddColumn(b, p => p.DisplayName!, "Display name", sortable: true);
        b.CloseRegion();
        b.OpenRegion(2);
        AddColumn(b, p => p.ProjectNumber!, "Number", sortable: false);
        b.CloseRegion();
        b.OpenRegion(3);
        AddColumn(b, p => p.City!, "City", sortable: false);
        b.CloseRegion();
        b.OpenComponent<TemplateColumn<ProcoreProject>>(4);
        b.AddComponentParameter(5, nameof(TemplateColumn<ProcoreProject>.Title), "Status");
        b.AddComponentParameter(6, nameof(TemplateColumn<ProcoreProject>.Sortable), false);
        b.AddComponentParameter(7, nameof(TemplateColumn<ProcoreProject>.CellTemplate), (RenderFragment<CellContext<ProcoreProject>>)(cell => chip =>
        {
            chip.OpenComponent<MudChip<string>>(0);
            chip.AddComponentParameter(1, nameof(MudChip<string>.Size), Size.Small);
            chip.AddComponentParameter(2, nameof(MudChip<string>.Color), cell.Item.Active == false ? Color.Default : Color.Success);
            chip.AddComponentParameter(3, nameof(MudChip<string>.ChildContent), (RenderFragment)(t => t.AddContent(0, cell.Item.Active == false ? "Inactive" : "Active")));
            chip.CloseComponent();
        }));
        b.CloseComponent();
    }

    /// <summary>One PropertyColumn (call inside its own region: sequence numbers are local to it).</summary>
    private static void AddColumn(RenderTreeBuilder b, Expression<Func<ProcoreProject, string>> property, string title, bool sortable)
    {
        b.OpenComponent<PropertyColumn<ProcoreProject, string>>(0);
        b.AddComponentParameter(1, nameof(PropertyColumn<ProcoreProject, string>.Property), property);
        b.AddComponentParameter(2, nameof(PropertyColumn<ProcoreProject, string>.Title), title);
        b.AddComponentParameter(3, nameof(PropertyColumn<ProcoreProject, string>.Sortable), sortable);
        b.CloseComponent();
    }
}

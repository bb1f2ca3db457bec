using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Projects;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Projects;

/// <summary>The projects page against the simulator's 10,000-project company, rendered with bUnit.</summary>
public sealed class ProjectsPageTests : MudComponentTest, IAsyncLifetime
{
    // Generous: the whole suite (browser tests included) shares 2 cores; these are waits for a condition, not sleeps.
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private ProcoreFeatureHarness _harness = null!;
    private FakeCredentialDirectory _directory = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _harness = await ProcoreFeatureHarness.StartAsync();
        _directory = _harness.AddServices(Context.Services, role: null);
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _harness.DisposeAsync();
    }

    private IRenderedComponent<ProjectsPage> RenderPage(string role = StaffRoles.Operator, long? company = FakeCredentialDirectory.Northwind, bool interactive = true,
        string? env = null)
    {
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Otto Operator");
        auth.SetRoles(Web.Hosting.TestSignInExtensions.RolesFor(role));
        auth.SetClaims(new Claim("iss", "https://test-idp"), new Claim("sub", "otto"));
        Context.SetRendererInfo(new RendererInfo("Server", interactive));
        if (company is { } id)
        {
            Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/projects?company={id}{(env is null ? "" : "&env=" + env)}");
        }

        return Context.Render<ProjectsPage>();
    }

    private static IReadOnlyList<string> RowNames(IRenderedComponent<ProjectsPage> cut) =>
        [.. cut.FindAll("#projects-grid tbody tr.mud-table-row").Select(r => r.QuerySelector("td")?.TextContent.Trim() ?? "")];

    private string Address => Context.Services.GetRequiredService<NavigationManager>().Uri;

    private IReadOnlyList<SimulatorEnvironment> ProjectRequestEnvironments() =>
        [.. _harness.Simulator.State.GetRequests().Where(r => !r.IsTokenRequest && r.Path.EndsWith("/rest/v1.1/projects", StringComparison.Ordinal)).Select(r => r.Environment)];

    [Fact]
    public async Task ProjectsPage_SetCoveringTheMonthlySandbox_PickerSwitchesTheGridToIt_AndTheAddressKeepsIt()
    {
        _directory.CoversMonthlySandbox = true;
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        Assert.Equal([SimulatorEnvironment.Production], ProjectRequestEnvironments().Distinct());
        var picker = cut.FindComponent<CredentialTargetPicker>();
        Assert.NotNull(cut.Find("[data-testid=projects-target] #credential-target"));
        _harness.Simulator.State.ClearRequests();

        await cut.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync(CredentialTarget.MonthlySandbox));

        cut.WaitForAssertion(() => Assert.NotEmpty(ProjectRequestEnvironments()), WaitLimit);
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        Assert.Equal([SimulatorEnvironment.MonthlySandbox], ProjectRequestEnvironments().Distinct());
        Assert.Contains("company=5000000001", Address, StringComparison.Ordinal);
        Assert.Contains("env=monthly", Address, StringComparison.Ordinal);
        Assert.Contains("from the monthly sandbox", cut.Find("[data-testid=export-scope]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectsPage_AddressWithEnvMonthly_OpensTheMonthlySandboxOnly()
    {
        _directory.CoversMonthlySandbox = true;

        var cut = RenderPage(env: "monthly");

        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        Assert.Equal([SimulatorEnvironment.MonthlySandbox], ProjectRequestEnvironments().Distinct());
        Assert.Equal(CredentialTarget.MonthlySandbox, cut.FindComponent<CredentialTargetPicker>().Instance.Value);
        Assert.Contains("env=monthly", Address, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectsPage_SetNotCoveringTheMonthlySandbox_ShowsNoPicker_AndEnvMonthlyFallsBackToProduction()
    {
        var cut = RenderPage(env: "monthly");

        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        Assert.Empty(cut.FindComponents<CredentialTargetPicker>());
        Assert.Empty(cut.FindAll("#credential-target"));
        Assert.Equal([SimulatorEnvironment.Production], ProjectRequestEnvironments().Distinct());
        Assert.DoesNotContain("env=", Address, StringComparison.Ordinal);
        Assert.Contains("company=5000000001", Address, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectsPage_WhilePrerendering_CallsNeitherTheDirectoryNorProcore()
    {
        var cut = RenderPage(interactive: false);

        Assert.NotNull(cut.Find("#projects-loading"));
        Assert.Equal(0, _directory.Reads);
        Assert.Empty(_harness.ApiRequests());
    }

    [Fact]
    public void ProjectsPage_For10000ProjectCompany_FetchesOnlyTheFirstPage()
    {
        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        var requests = _harness.ApiRequests("/rest/v1.1/projects");
        var request = Assert.Single(requests);
        Assert.Contains("page=1", request.Query, StringComparison.Ordinal);
        Assert.Contains("per_page=25", request.Query, StringComparison.Ordinal);
        Assert.Equal("5000000001", request.CompanyHeader);
        // The pager shows the total from Procore's Total header (the seeded company's 8,528 active projects), not the 25 rows fetched.
        Assert.Equal("1-25 of 8,528", cut.Find("#projects-grid .mud-table-pagination-caption[translate=no]").TextContent.Trim());
    }

    [Fact]
    public void ProjectsPage_25Rows_RenderPlainStatusCellsWithoutAComponentPerRow()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);

        // Circuit memory: a component per cell (a chip per row) is what made the projects circuit heavy.
        Assert.Empty(cut.FindComponents<MudBlazor.MudChip<string>>());
        var statuses = cut.FindAll("#projects-grid tbody tr.mud-table-row").Select(r => r.QuerySelectorAll("td").Last().TextContent.Trim()).ToList();
        Assert.All(statuses, s => Assert.Contains(s, new[] { "Active", "Inactive" }));
    }

    [Fact]
    public void ProjectsPage_Filters_AreNativeSelects_AndTheStatusFilterAsksProcore()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);

        // No always-present select components (popover, list and items) in the circuit for the filters.
        Assert.Empty(cut.FindComponents<MudBlazor.MudSelect<long?>>());
        Assert.Empty(cut.FindComponents<MudBlazor.MudSelect<ProjectStatusFilter>>());
        Assert.Equal("5000000001", cut.Find("#company-select option[selected]").GetAttribute("value"));

        cut.Find("#status-select").Change(nameof(ProjectStatusFilter.Inactive));

        cut.WaitForAssertion(() => Assert.Contains(_harness.ApiRequests("/rest/v1.1/projects"),
            r => Uri.UnescapeDataString(r.Query).Contains("filters[by_status]=Inactive", StringComparison.Ordinal)), WaitLimit);
    }

    [Fact]
    public void ProjectsPage_NextPage_FetchesPageTwoFromProcore()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        var firstPage = RowNames(cut);

        cut.Find("#projects-grid button[aria-label='Next page']").Click();

        cut.WaitForAssertion(() => Assert.Contains(_harness.ApiRequests("/rest/v1.1/projects"), r => r.Query.Contains("page=2", StringComparison.Ordinal)), WaitLimit);
        cut.WaitForAssertion(() => Assert.NotEqual(firstPage, RowNames(cut)), WaitLimit);
        Assert.Equal(25, RowNames(cut).Count);
    }

    [Fact]
    public void ProjectsPage_SearchByName_AsksProcoreWithTheNameFilter()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        var wanted = RowNames(cut)[3];

        cut.Find("#project-search").Input(wanted);

        cut.WaitForAssertion(() => Assert.Contains(_harness.ApiRequests("/rest/v1.1/projects"),
            r => Uri.UnescapeDataString(r.Query).Contains($"filters[name]={wanted}", StringComparison.Ordinal)), WaitLimit);
        // One condition: while the grid reloads it is briefly empty, and "all rows match" holds vacuously for no rows.
        cut.WaitForAssertion(() =>
        {
            var rows = RowNames(cut);
            Assert.NotEmpty(rows);
            Assert.All(rows, n => Assert.Contains(wanted, n, StringComparison.OrdinalIgnoreCase));
        }, WaitLimit);
    }

    [Fact]
    public async Task ProjectsPage_RowClick_ShowsTheProjectsFieldsInTheDetailPanel()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        var name = RowNames(cut)[2];

        await cut.InvokeAsync(() => cut.FindAll("#projects-grid tbody tr.mud-table-row")[2].Click());

        cut.WaitForAssertion(() => Assert.Equal(name, cut.Find("[data-testid=detail-name]").TextContent.Trim()));
        var detail = cut.Find("#project-detail").TextContent;
        Assert.Contains("Project number", detail, StringComparison.Ordinal);
        Assert.Contains("598", detail, StringComparison.Ordinal); // ids above 2^31 round-trip as 64-bit
    }

    [Fact]
    public void ProjectsPage_ForViewer_BrowsesButOffersNoExport()
    {
        var cut = RenderPage(StaffRoles.Viewer);

        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        Assert.Empty(cut.FindAll("#export-csv"));
    }

    [Fact]
    public void ProjectsPage_CompanyWithoutInstalledCredential_ShowsEmptyStateAndCallsNothing()
    {
        var cut = RenderPage(company: FakeCredentialDirectory.Fabrikam);

        cut.WaitForAssertion(() => Assert.Contains("No credential set is installed", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(_harness.ApiRequests());
    }

    [Fact]
    public void ProjectsPage_Export_HandsTheBrowserAOneTimeDownloadUrlAndReportsRows()
    {
        var download = Context.JSInterop.SetupVoid("procoreAdmin.downloadUrl", _ => true);
        download.SetVoidResult();
        var cut = RenderPage(company: FakeCredentialDirectory.Contoso);
        cut.WaitForAssertion(() => Assert.NotEmpty(RowNames(cut)), WaitLimit);

        cut.Find("#export-csv").Click();

        cut.WaitForAssertion(() => Assert.Contains("Exported 2 projects", cut.Find("#projects-message").TextContent, StringComparison.Ordinal), WaitLimit);
        var call = Assert.Single(download.Invocations);
        Assert.StartsWith(ProjectsExportEndpoint.Prefix, (string)call.Arguments[0]!, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectsPage_WithASearch_SaysPlainlyThatTheExportAppliesIt()
    {
        var cut = RenderPage(company: FakeCredentialDirectory.Contoso);
        cut.WaitForAssertion(() => Assert.NotEmpty(RowNames(cut)), WaitLimit);

        Assert.Contains("every name", cut.Find("[data-testid=export-scope]").TextContent, StringComparison.Ordinal);
        cut.Find("#project-search").Input("Tower");

        cut.WaitForAssertion(() => Assert.Contains("whose name contains", cut.Find("[data-testid=export-scope]").TextContent, StringComparison.Ordinal), WaitLimit);
    }

    [Fact]
    public void ProjectsPage_25Rows_HoldNoGridFieldOrCellComponents()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);

        // Circuit memory: every component keeps its own state and two render-tree buffers for as long as the tab is open,
        // so the grid, its headers, pager and rows-per-page select, the search field and the panels are plain markup.
        Assert.Empty(cut.FindComponents<MudBlazor.MudDataGrid<ProcoreAdmin.ProcoreClient.ProcoreProject>>());
        Assert.Empty(cut.FindComponents<MudBlazor.MudTextField<string>>());
        Assert.Empty(cut.FindComponents<MudBlazor.MudIconButton>());
        var components = cut.FindComponents<Microsoft.AspNetCore.Components.IComponent>().Count;
        Assert.True(components <= 20, $"the projects page with 25 rows renders {components} components");
    }

    [Fact]
    public void ProjectsPage_SortByName_AsksProcoreAscendingThenDescending_AndSaysSoInTheHeader()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);

        cut.Find("#projects-grid button[data-sort=Name]").Click();
        cut.WaitForAssertion(() => Assert.Contains(_harness.ApiRequests("/rest/v1.1/projects"), r => r.Query.Contains("sort=name", StringComparison.Ordinal)), WaitLimit);
        cut.WaitForAssertion(() => Assert.Equal("ascending", cut.Find("#projects-grid th:has(button[data-sort=Name])").GetAttribute("aria-sort")), WaitLimit);

        cut.Find("#projects-grid button[data-sort=Name]").Click();
        cut.WaitForAssertion(() => Assert.Contains(_harness.ApiRequests("/rest/v1.1/projects"), r => r.Query.Contains("sort=-name", StringComparison.Ordinal)), WaitLimit);
        cut.WaitForAssertion(() => Assert.Equal("descending", cut.Find("#projects-grid th:has(button[data-sort=Name])").GetAttribute("aria-sort")), WaitLimit);
        var names = RowNames(cut);
        Assert.Equal(names.OrderByDescending(n => n, StringComparer.OrdinalIgnoreCase), names);
    }

    [Fact]
    public void ProjectsPage_RowsPerPage_AsksProcoreForThatPageSize()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);

        cut.Find("#projects-page-size").Change("50");

        cut.WaitForAssertion(() => Assert.Equal(50, RowNames(cut).Count), WaitLimit);
        Assert.Contains(_harness.ApiRequests("/rest/v1.1/projects"), r => r.Query.Contains("per_page=50", StringComparison.Ordinal));
        Assert.StartsWith("1-50 of ", cut.Find("[data-testid=page-range]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectsPage_EnterOnARow_ShowsItsFields()
    {
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), WaitLimit);
        var name = RowNames(cut)[1];

        cut.FindAll("#projects-grid tbody tr.mud-table-row")[1].KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        cut.WaitForAssertion(() => Assert.Equal(name, cut.Find("[data-testid=detail-name]").TextContent.Trim()), WaitLimit);
        Assert.Contains("mud-selected-item", cut.FindAll("#projects-grid tbody tr.mud-table-row")[1].ClassName, StringComparison.Ordinal);
    }
}

using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.Tests.Integration.ProcoreClientAgainstSimulator;

/// <summary>QUALITY check 22 over real HTTP: Procore-Company-Id, DMSA installations, paging and ids above 2^31.</summary>
public sealed class CompanyScopeTests
{
    private static readonly ProjectQuery AllProjects = new() { Status = ProjectStatusFilter.All, PerPage = 100 };

    [Fact]
    public async Task FullListing_StrictSimulatorAnswering400WithoutHeader_EveryRequestCarriesCompanyHeader()
    {
        await using var p = await SimulatedProcore.StartAsync(seed => seed.CompanyHeader = new() { MissingStatus = 400, Lenient = false });
        var company = SimulatedProcore.Northwind;

        await p.Client.GetMeAsync(p.Credential, company);
        var companies = await p.Client.GetCompaniesAsync(p.Credential, company);
        var projects = await p.Client.GetAllProjectsAsync(p.Credential, company, AllProjects).ToListAsync();
        await p.Client.GetProjectAsync(p.Credential, company, projects[^1].Id);
        await p.Client.GetCompanyUsersPageAsync(p.Credential, company, new PageQuery());
        await p.Client.GetOfficesPageAsync(p.Credential, company, new PageQuery());
        var console = await p.Client.SendRawAsync(p.Credential, new ProcoreRawRequest("/rest/v1.0/companies", company));

        Assert.Equal(2, companies.Count);
        Assert.Equal(250, projects.Count);
        Assert.Equal(200, console.StatusCode);
        var api = p.ApiRequests;
        Assert.Equal(1 + 1 + 3 + 1 + 1 + 1 + 1, api.Count);
        Assert.All(api, r =>
        {
            Assert.True(r.HasCompanyHeader, $"{r.Method} {r.Path}{r.Query} went out without Procore-Company-Id");
            Assert.Equal("5000000001", r.CompanyHeader);
            Assert.Equal(200, r.StatusCode);
        });
    }

    [Fact]
    public async Task Console_OmitCompanyHeader_Simulator404MissingHeaderThatClassifiesAndExplains()
    {
        await using var p = await SimulatedProcore.StartAsync();

        var response = await p.Client.SendRawAsync(p.Credential,
            new ProcoreRawRequest("/rest/v1.0/me", SimulatedProcore.Northwind) { OmitCompanyHeader = true });

        Assert.Equal(404, response.StatusCode);
        Assert.False(response.CompanyHeaderSent);
        Assert.DoesNotContain(response.RequestHeaders, h => h.Key == "Procore-Company-Id");
        Assert.Contains("Missing Procore-Company-Id header!", response.Body, StringComparison.Ordinal);
        var parsed = ProcoreErrorParser.Parse(response.Body, "application/json", null);
        var kind = ProcoreErrorParser.Classify(response.StatusCode, parsed.Message, parsed.ErrorCode, tokenEndpoint: false);
        Assert.Equal(ProcoreErrorKind.MissingCompanyHeader, kind);
        Assert.Contains("Procore-Company-Id header on every call", ProcoreErrorExplainer.Explain(kind), StringComparison.Ordinal);
        var logged = Assert.Single(p.ApiRequests);
        Assert.False(logged.HasCompanyHeader);
        Assert.Equal(404, logged.StatusCode);
    }

    [Fact]
    public async Task TypedCall_CompanyWithoutInstallation_403AppNotConnectedExplained()
    {
        await using var p = await SimulatedProcore.StartAsync();

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => p.Client.GetMeAsync(p.Credential, SimulatedProcore.Fabrikam));

        Assert.Equal(ProcoreErrorKind.AppNotConnected, ex.Kind);
        Assert.Equal(403, ex.StatusCode);
        Assert.Equal("App is not connected to this company.", ex.ProcoreMessage);
        Assert.Contains("not installed in this Procore company", ex.Explanation, StringComparison.Ordinal);
        Assert.NotNull(ex.RequestId);
        var logged = Assert.Single(p.ApiRequests); // 403 is never retried
        Assert.Equal("5000000003", logged.CompanyHeader);
    }

    [Fact]
    public async Task Paging_PagePastTheEnd_EmptyPageWithoutNextAndWalkStopsAtLastPage()
    {
        await using var p = await SimulatedProcore.StartAsync();

        var beyond = await p.Client.GetProjectsPageAsync(p.Credential, SimulatedProcore.Northwind, AllProjects with { Page = 7 });
        var tail = await p.Client.GetAllProjectsAsync(p.Credential, SimulatedProcore.Northwind, AllProjects with { Page = 3 }).ToListAsync();
        var all = await p.Client.GetAllProjectsAsync(p.Credential, SimulatedProcore.Northwind, AllProjects).ToListAsync();

        Assert.Empty(beyond.Items);
        Assert.False(beyond.HasNextPage);
        Assert.Null(beyond.NextPage);
        Assert.Equal(250, beyond.Total);
        Assert.Equal(3, beyond.LastPage);
        Assert.Equal(50, tail.Count);
        Assert.Equal(250, all.Select(x => x.Id).Distinct().Count());
        Assert.Equal(all.Skip(200).Select(x => x.Id), tail.Select(x => x.Id));
        // page 7, page 3, pages 1-3: no request for a page after the last one.
        Assert.Equal(["page=7", "page=3", "page=1", "page=2", "page=3"],
            p.ApiRequests.Select(r => r.Query.Split('&').Single(q => q.StartsWith("page=", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Ids_AboveTwoToThe31_RoundTripThroughListDetailAndHeader()
    {
        await using var p = await SimulatedProcore.StartAsync();

        var listed = await p.Client.GetProjectsPageAsync(p.Credential, SimulatedProcore.Northwind, AllProjects with { PerPage = 5 });
        var id = listed.Items[^1].Id;
        var detail = await p.Client.GetProjectAsync(p.Credential, SimulatedProcore.Northwind, id);

        Assert.True(id > uint.MaxValue, $"{id} is not above 2^32");
        Assert.Equal(id, detail.Id);
        Assert.Equal(SimulatedProcore.Northwind, detail.Company?.Id);
        var request = p.ApiRequests[^1];
        Assert.Equal($"/rest/v1.0/projects/{id}", request.Path);
        Assert.Contains("company_id=5000000001", request.Query, StringComparison.Ordinal);
        Assert.Equal("5000000001", request.CompanyHeader);
    }
}

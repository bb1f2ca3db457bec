using System.Net;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class TypedCallTests
{
    private const long BigProjectId = 3_000_000_123; // > 2^31

    [Fact]
    public async Task CompanyHeader_SentOnEveryCall_LargeIdsRoundTrip()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (r, _) => Task.FromResult(r.Uri.AbsolutePath switch
        {
            "/rest/v1.0/me" => StubProcore.Json(HttpStatusCode.OK, """{"id":9007199254740993,"login":"svc@x.example","name":"Svc"}"""),
            "/rest/v1.0/companies" => StubProcore.Json(HttpStatusCode.OK,
                $$"""[{"id":{{ClientHarness.CompanyId}},"name":"Big Co","is_active":true,"logo_url":null,"pcn_business_experience":false,"my_company":true}]"""),
            "/rest/v1.0/projects/3000000123" => StubProcore.Json(HttpStatusCode.OK,
                $$"""{"id":{{BigProjectId}},"name":"Tower","company":{"id":{{ClientHarness.CompanyId}},"name":"Big Co"},"latitude":"47.6","created_at":"2016-08-22T20:18:55Z","origin_id":12345}"""),
            _ => StubProcore.Json(HttpStatusCode.OK, $$"""[{"id":{{BigProjectId}},"name":"Item"}]"""),
        });

        var me = await h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId);
        var companies = await h.Client.GetCompaniesAsync(h.Credential, ClientHarness.CompanyId);
        var projects = await h.Client.GetProjectsPageAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery());
        var project = await h.Client.GetProjectAsync(h.Credential, ClientHarness.CompanyId, BigProjectId);
        var users = await h.Client.GetCompanyUsersPageAsync(h.Credential, ClientHarness.CompanyId, new PageQuery());
        var offices = await h.Client.GetOfficesPageAsync(h.Credential, ClientHarness.CompanyId, new PageQuery());
        await foreach (var _ in h.Client.GetAllProjectsAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery { PerPage = 5 }))
        {
        }

        Assert.Equal(7, h.Stub.ApiRequests.Count);
        Assert.All(h.Stub.ApiRequests, r => Assert.Equal("598134325694431", r.Header("Procore-Company-Id")));
        Assert.Equal(9007199254740993, me.Id);
        Assert.Equal(ClientHarness.CompanyId, Assert.Single(companies).Id);
        Assert.True(companies[0].MyCompany);
        Assert.Equal(BigProjectId, Assert.Single(projects.Items).Id);
        Assert.Equal(BigProjectId, project.Id);
        Assert.Equal(ClientHarness.CompanyId, project.Company?.Id);
        Assert.Equal(47.6, project.Latitude);
        Assert.Equal("12345", project.OriginId);
        Assert.Equal(new DateTimeOffset(2016, 8, 22, 20, 18, 55, TimeSpan.Zero), project.CreatedAt);
        Assert.Equal(BigProjectId, Assert.Single(users.Items).Id);
        Assert.Equal(BigProjectId, Assert.Single(offices.Items).Id);
        Assert.Contains(h.Stub.ApiRequests, r => r.Uri.AbsolutePath == "/rest/v1.0/companies/598134325694431/users");
        Assert.Contains(h.Stub.ApiRequests, r => r.Uri.PathAndQuery.StartsWith("/rest/v1.0/offices?company_id=598134325694431", StringComparison.Ordinal));
        Assert.Contains(h.Stub.ApiRequests, r => r.Uri.PathAndQuery.StartsWith("/rest/v1.0/projects/3000000123?company_id=598134325694431", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Projects_QueryMapsToProcoreFilters()
    {
        using var h = new ClientHarness();

        await h.Client.GetProjectsPageAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery
        {
            Version = ProjectsApiVersion.V1_0,
            Status = ProjectStatusFilter.All,
            Name = "Tower & Co",
            Sort = ProjectSort.NameDescending,
            Page = 3,
            PerPage = 50,
        });

        var request = Assert.Single(h.Stub.ApiRequests);
        Assert.Equal("/rest/v1.0/projects", request.Uri.AbsolutePath);
        var query = Uri.UnescapeDataString(request.Uri.Query);
        Assert.Contains("company_id=598134325694431", query);
        Assert.Contains("page=3", query);
        Assert.Contains("per_page=50", query);
        Assert.Contains("filters[by_status]=All", query);
        Assert.Contains("filters[name]=Tower & Co", query);
        Assert.Contains("sort=-name", query);
        Assert.DoesNotContain("&Co", request.Uri.Query); // the ampersand in the name is encoded
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 0)]
    [InlineData(1, 301)]
    public async Task Projects_V11InvalidPaging_RejectedBeforeSending(int page, int perPage)
    {
        using var h = new ClientHarness();

        await Assert.ThrowsAnyAsync<ArgumentOutOfRangeException>(() =>
            h.Client.GetProjectsPageAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery { Page = page, PerPage = perPage }));

        Assert.Empty(h.Stub.Requests);
    }

    [Fact]
    public async Task Paging_FollowsLinkAndStopsAtLastPage()
    {
        using var h = new ClientHarness();
        var stub = PagedProjects(250, withLink: true, withTotal: true);
        h.Stub.OnApi = (r, _) => Task.FromResult(stub(r));
        var progress = new RecordingProgress();

        var ids = new List<long>();
        await foreach (var p in h.Client.GetAllProjectsAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery { PerPage = 100 }, progress))
        {
            ids.Add(p.Id);
        }

        Assert.Equal(Enumerable.Range(1, 250).Select(i => 5_000_000_000L + i), ids);
        Assert.Equal(["1", "2", "3"], h.Stub.ApiRequests.Select(r => QueryValue(r.Uri, "page")));
        var pages = progress.Reports.Where(p => p.Kind == ProcoreProgressKind.PageFetched).ToList();
        Assert.Equal(3, pages.Count);
        Assert.Equal(250, pages[^1].ItemsFetched);
        Assert.Equal(250, pages[^1].Total);
    }

    [Fact]
    public async Task Paging_TotalOnly_StopsAtTotal()
    {
        using var h = new ClientHarness();
        var stub = PagedProjects(230, withLink: false, withTotal: true);
        h.Stub.OnApi = (r, _) => Task.FromResult(stub(r));

        var count = 0;
        await foreach (var _ in h.Client.GetAllProjectsAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery { PerPage = 100 }))
        {
            count++;
        }

        Assert.Equal(230, count);
        Assert.Equal(3, h.Stub.ApiRequests.Count);
    }

    [Fact]
    public async Task Paging_EmptyPagePastTheEnd_Stops()
    {
        using var h = new ClientHarness();
        // A misbehaving server that always advertises a next page: the client still stops at the first empty page.
        h.Stub.OnApi = (r, _) =>
        {
            var page = int.Parse(QueryValue(r.Uri, "page")!);
            var body = page <= 2 ? $$"""[{"id":{{page}}}]""" : "[]";
            return Task.FromResult(StubProcore.Json(HttpStatusCode.OK, body,
                ("Link", $"<https://api.procore.com/rest/v1.1/projects?company_id=1&page={page + 1}&per_page=1>; rel=\"next\"")));
        };

        var count = 0;
        await foreach (var _ in h.Client.GetAllProjectsAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery { PerPage = 1 }))
        {
            count++;
        }

        Assert.Equal(2, count);
        Assert.Equal(3, h.Stub.ApiRequests.Count);
    }

    [Fact]
    public async Task Paging_LinkNextToOtherHost_OnlyPageNumberUsed()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (r, _) =>
        {
            var page = int.Parse(QueryValue(r.Uri, "page")!);
            return Task.FromResult(page == 1
                ? StubProcore.Json(HttpStatusCode.OK, """[{"id":1}]""", ("Link", "<https://evil.example/steal?page=2&per_page=1>; rel=\"next\""))
                : StubProcore.Json(HttpStatusCode.OK, page == 2 ? """[{"id":2}]""" : "[]"));
        };

        var count = 0;
        await foreach (var _ in h.Client.GetAllProjectsAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery { PerPage = 1 }))
        {
            count++;
        }

        Assert.Equal(2, count);
        Assert.All(h.Stub.Requests, r => Assert.EndsWith("procore.com", r.Uri.Host));
    }

    [Fact]
    public async Task ProjectsPage_ReportsPagingHeaders()
    {
        using var h = new ClientHarness();
        var stub = PagedProjects(250, withLink: true, withTotal: true);
        h.Stub.OnApi = (r, _) => Task.FromResult(stub(r));

        var page2 = await h.Client.GetProjectsPageAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery { Page = 2, PerPage = 100 });
        var page3 = await h.Client.GetProjectsPageAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery { Page = 3, PerPage = 100 });

        Assert.Equal(100, page2.Items.Count);
        Assert.Equal(2, page2.Page);
        Assert.Equal(100, page2.PerPage);
        Assert.Equal(250, page2.Total);
        Assert.True(page2.HasNextPage);
        Assert.Equal(3, page2.NextPage);
        Assert.Equal(3, page2.LastPage);
        Assert.Equal(50, page3.Items.Count);
        Assert.False(page3.HasNextPage);
        Assert.Null(page3.NextPage);
    }

    [Fact]
    public async Task Companies_WalksAllPages()
    {
        using var h = new ClientHarness(o => o.DefaultPerPage = 2);
        h.Stub.OnApi = (r, _) =>
        {
            var page = int.Parse(QueryValue(r.Uri, "page")!);
            var body = page switch { 1 => """[{"id":1},{"id":2}]""", 2 => """[{"id":3}]""", _ => "[]" };
            return Task.FromResult(StubProcore.Json(HttpStatusCode.OK, body, ("Total", "3"), ("Per-Page", "2")));
        };

        var companies = await h.Client.GetCompaniesAsync(h.Credential, ClientHarness.CompanyId);

        Assert.Equal([1L, 2L, 3L], companies.Select(c => c.Id));
        Assert.Equal(2, h.Stub.ApiRequests.Count);
    }

    /// <summary>Projects 5,000,000,001… in pages, with Procore-style Link (absolute URLs, ", " separated) and Total.</summary>
    internal static Func<CapturedRequest, HttpResponseMessage> PagedProjects(int total, bool withLink, bool withTotal) => r =>
    {
        var page = int.Parse(QueryValue(r.Uri, "page") ?? "1");
        var perPage = int.Parse(QueryValue(r.Uri, "per_page") ?? "100");
        var items = Enumerable.Range((page - 1) * perPage + 1, Math.Max(0, Math.Min(perPage, total - (page - 1) * perPage)))
            .Select(i => $$"""{"id":{{5_000_000_000L + i}},"name":"P{{i}}","active":true}""");
        var headers = new List<(string, string)>();
        if (withTotal)
        {
            headers.Add(("Total", total.ToString()));
            headers.Add(("Per-Page", perPage.ToString()));
        }

        if (withLink)
        {
            var last = Math.Max(1, (total + perPage - 1) / perPage);
            string Url(int p) => $"https://api.procore.com/rest/v1.1/projects?company_id=1&page={p}&per_page={perPage}";
            var links = new List<string>();
            if (page > 1)
            {
                links.Add($"<{Url(1)}>; rel=\"first\"");
                links.Add($"<{Url(page - 1)}>; rel=\"prev\"");
            }

            if (page < last)
            {
                links.Add($"<{Url(page + 1)}>; rel=\"next\"");
                links.Add($"<{Url(last)}>; rel=\"last\"");
            }

            if (links.Count > 0)
            {
                headers.Add(("Link", string.Join(", ", links)));
            }
        }

        return StubProcore.Json(HttpStatusCode.OK, "[" + string.Join(",", items) + "]", headers.ToArray());
    };

    internal static string? QueryValue(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2))
            .Where(p => Uri.UnescapeDataString(p[0]) == name).Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault();
}

/// <summary>Synchronous IProgress that keeps every report.</summary>
public sealed class RecordingProgress : IProgress<ProcoreProgress>
{
    private readonly List<ProcoreProgress> _reports = [];

    public IReadOnlyList<ProcoreProgress> Reports
    {
        get
        {
            lock (_reports)
            {
                return _reports.ToList();
            }
        }
    }

    public void Report(ProcoreProgress value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}

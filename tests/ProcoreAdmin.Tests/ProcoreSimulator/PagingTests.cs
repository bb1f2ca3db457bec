using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

/// <summary>Northwind has 250 generated projects: with status All and per_page 100 that is pages 1, 2 and 3.</summary>
public sealed class PagingTests
{
    private const string AllProjects = "rest/v1.0/projects?company_id=5000000001&filters[by_status]=All&per_page=100";

    [Fact]
    public async Task Projects_FirstPage_HasTotalPerPageAndOnlyNextAndLastLinks()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(AllProjects, token);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("250", Header(response, "Total"));
        Assert.Equal("100", Header(response, "Per-Page"));
        var links = Links(response);
        Assert.Equal(["last", "next"], links.Keys.Order());
        Assert.Contains("page=2", links["next"]);
        Assert.Contains("page=3", links["last"]);
        Assert.Equal(100, (await JsonAsync(response)).GetArrayLength());
    }

    [Fact]
    public async Task Projects_MiddlePage_HasFirstPrevNextLastInProcoreFormat()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(AllProjects + "&page=2", token);
        var raw = Header(response, "Link")!;
        var parts = raw.Split(", ");
        Assert.Equal(4, parts.Length);
        Assert.All(parts, p => Assert.Matches("^<http://127\\.0\\.0\\.1:\\d+/rest/v1\\.0/projects\\?[^>]+>; rel=\"(first|prev|next|last)\"$", p));
        var links = Links(response);
        Assert.Contains("page=1", links["first"]);
        Assert.Contains("page=1", links["prev"]);
        Assert.Contains("page=3", links["next"]);
        Assert.Contains("page=3", links["last"]);
    }

    [Fact]
    public async Task Projects_LastPage_HasOnlyFirstAndPrevLinks()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(AllProjects + "&page=3", token);
        Assert.Equal(["first", "prev"], Links(response).Keys.Order());
        Assert.Equal(50, (await JsonAsync(response)).GetArrayLength());
    }

    [Fact]
    public async Task Projects_PageBeyondTheEnd_ReturnsEmptyArrayWithHeaders()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(AllProjects + "&page=9", token);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
        Assert.Equal("250", Header(response, "Total"));
        Assert.Equal("100", Header(response, "Per-Page"));
        var links = Links(response);
        Assert.False(links.ContainsKey("next"));
        Assert.Contains("page=3", links["prev"]);
    }

    [Fact]
    public async Task Link_IsAbsoluteAndKeepsOriginalQuery_AndFollowingItWalksEveryProjectOnce()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        var seen = new List<long>();
        string? next = AllProjects;
        while (next is not null)
        {
            using var response = await sim.GetAsync(next, token);
            seen.AddRange(Ids(await JsonAsync(response)));
            next = Links(response).GetValueOrDefault("next");
            if (next is not null)
            {
                Assert.StartsWith(sim.Host.BaseAddress.ToString(), next);
                Assert.Contains("company_id=5000000001", next);
                Assert.Contains("filters[by_status]=All", next);
                Assert.Contains("per_page=100", next);
            }
        }

        Assert.Equal(250, seen.Count);
        Assert.Equal(250, seen.Distinct().Count());
    }

    [Fact]
    public async Task Projects_WithoutPerPage_DefaultsTo100()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.0/projects?company_id=5000000001&filters[by_status]=All", token);
        Assert.Equal("100", Header(response, "Per-Page"));
        Assert.Contains("per_page=100", Links(response)["next"]);
    }

    [Fact]
    public async Task ProjectsV11_PerPageAboveMaximum_IsCappedAt300()
    {
        await using var sim = await StartAsync(seed => seed.Companies[0].Projects = ProcoreAdmin.ProcoreSimulator.SeedList<ProcoreAdmin.ProcoreSimulator.ProjectSeed>.Generated(400));
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.1/projects?company_id=5000000001&filters[by_status]=All&per_page=1000", token);
        Assert.Equal("300", Header(response, "Per-Page"));
        Assert.Equal(300, (await JsonAsync(response)).GetArrayLength());
    }
}

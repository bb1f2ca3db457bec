using System.Text.Json;
using ProcoreAdmin.ProcoreSimulator;
using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

public sealed class ProjectQueryTests
{
    private const string Base = "rest/v1.0/projects?company_id=5000000001&per_page=1000";

    [Fact]
    public async Task Projects_ByStatus_DefaultIsActiveAndInactivePlusActiveIsAll()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        async Task<JsonElement> List(string suffix)
        {
            using var response = await sim.GetAsync(Base + suffix, token);
            Assert.Equal(200, (int)response.StatusCode);
            return await JsonAsync(response);
        }

        var active = await List("");
        var inactive = await List("&filters[by_status]=Inactive");
        var all = await List("&filters[by_status]=All");
        Assert.All(active.EnumerateArray(), p => Assert.True(p.GetProperty("active").GetBoolean()));
        Assert.All(inactive.EnumerateArray(), p => Assert.False(p.GetProperty("active").GetBoolean()));
        Assert.True(inactive.GetArrayLength() > 0);
        Assert.Equal(250, all.GetArrayLength());
        Assert.Equal(all.GetArrayLength(), active.GetArrayLength() + inactive.GetArrayLength());
    }

    [Fact]
    public async Task Projects_FilterByName_MatchesCaseInsensitiveSubstring()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(Base + "&filters[by_status]=All&filters[name]=harbor", token);
        var items = await JsonAsync(response);
        Assert.InRange(items.GetArrayLength(), 1, 249);
        Assert.All(items.EnumerateArray(), p => Assert.Contains("harbor", p.GetProperty("name").GetString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Projects_FilterByIds_ReturnsExactlyThoseLargeIds()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var page = await sim.GetAsync(Base + "&filters[by_status]=All", token);
        var ids = Ids(await JsonAsync(page));
        var wanted = new[] { ids[3], ids[77], ids[200] };
        Assert.All(wanted, id => Assert.True(id > int.MaxValue));
        using var response = await sim.GetAsync(Base + $"&filters[by_status]=All&filters[id][]={wanted[0]}&filters[id][]={wanted[1]}&filters[id][]={wanted[2]}", token);
        Assert.Equal(wanted, Ids(await JsonAsync(response)));
    }

    [Fact]
    public async Task Projects_FilterByUpdatedAtRange_KeepsOnlyProjectsInRange()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(
            $"rest/v1.0/projects?company_id={Contoso}&filters[by_status]=All&filters[updated_at]=2024-01-01T00:00:00Z...2024-12-31T23:59:59Z", token, Contoso);
        Assert.Equal(new long[] { HarborTower }, Ids(await JsonAsync(response)));
    }

    [Fact]
    public async Task Projects_InvalidUpdatedAtRange_Returns400()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(Base + "&filters[updated_at]=yesterday...today", token);
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("name", "name", false)]
    [InlineData("-name", "name", true)]
    [InlineData("display_name", "display_name", false)]
    public async Task Projects_Sort_OrdersByField(string sort, string field, bool descending)
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(Base + $"&filters[by_status]=All&sort={sort}", token);
        var values = (await JsonAsync(response)).EnumerateArray().Select(p => p.GetProperty(field).GetString()!).ToList();
        var expected = descending
            ? values.OrderByDescending(v => v, StringComparer.OrdinalIgnoreCase).ToList()
            : values.OrderBy(v => v, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.Equal(250, values.Count);
        Assert.Equal(expected, values);
        using var unsorted = await sim.GetAsync(Base + "&filters[by_status]=All", token);
        var idOrder = (await JsonAsync(unsorted)).EnumerateArray().Select(p => p.GetProperty(field).GetString()!).ToList();
        Assert.NotEqual(expected, idOrder);
    }

    [Fact]
    public async Task Projects_ViewCompact_ReturnsIdAndNameOnly()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.1/projects?company_id=5000000001&view=compact&per_page=5", token);
        var first = (await JsonAsync(response))[0];
        Assert.Equal(["id", "name"], first.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Projects_SerializerViewCompact_ReturnsIdNameAndDisplayName()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.0/projects?company_id=5000000001&serializer_view=compact&per_page=5", token);
        var first = (await JsonAsync(response))[0];
        Assert.Equal(["id", "name", "display_name"], first.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Projects_NormalView_HasProcoreFields()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.0/projects?company_id=5000000001&per_page=1", token);
        var project = (await JsonAsync(response))[0];
        foreach (var field in new[] { "id", "name", "display_name", "project_number", "address", "city", "state_code", "country_code", "zip", "time_zone", "stage", "active", "created_at", "updated_at" })
        {
            Assert.True(project.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null, field);
        }

        Assert.Equal(Northwind, project.GetProperty("company").GetProperty("id").GetInt64());
        Assert.Equal("Northwind Builders", project.GetProperty("company").GetProperty("name").GetString());
        Assert.Matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$", project.GetProperty("updated_at").GetString());
    }

    [Fact]
    public async Task Project_IdAbove2Pow31_RoundTripsThroughListAndShow()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var list = await sim.GetAsync(Base + "&per_page=1", token);
        var id = Ids(await JsonAsync(list))[0];
        Assert.True(id > uint.MaxValue);
        using var show = await sim.GetAsync($"rest/v1.0/projects/{id}?company_id={Northwind}", token);
        Assert.Equal(200, (int)show.StatusCode);
        var json = await JsonAsync(show);
        Assert.Equal(id, json.GetProperty("id").GetInt64());
        Assert.Equal(Northwind, json.GetProperty("company").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Generation_SameSeed_ProducesIdenticalData()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var a = await PageBodyAsync(first);
        var b = await PageBodyAsync(second);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Generation_DifferentRandomSeed_ProducesDifferentData()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync(seed => seed.RandomSeed = 43);
        Assert.NotEqual(await PageBodyAsync(first), await PageBodyAsync(second));
    }

    [Fact]
    public async Task DefaultSeed_HasDemoAppAndTenThousandNorthwindProjects()
    {
        var seed = SimulatorSeed.LoadDefault();
        var demo = Assert.Single(seed.Apps, a => a.ClientId == "procoreadmin-demo-client");
        Assert.Equal("ProcoreAdmin Demo", demo.Name);
        Assert.Equal([Northwind, Contoso], demo.Installations.Select(i => i.CompanyId));
        Assert.Contains(seed.Companies, c => demo.Installations.All(i => i.CompanyId != c.Id));
        Assert.Equal(10_000, seed.Companies.Single(c => c.Id == Northwind).Projects!.Generate);
        Assert.Equal("Contoso Construction", seed.Companies.Single(c => c.Id == Contoso).Name);

        await using var host = await SimulatorHost.StartAsync(new SimulatorHostOptions { Url = "http://127.0.0.1:0" });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var tokenResponse = await http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = demo.ClientId, ["client_secret"] = demo.ClientSecret,
        }));
        var token = (await JsonAsync(tokenResponse)).GetProperty("access_token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"rest/v1.0/projects?company_id={Northwind}&filters[by_status]=All");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("Procore-Company-Id", Northwind.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request);
        Assert.Equal("10000", Header(response, "Total"));
    }

    private static async Task<string> PageBodyAsync(TestSimulator sim)
    {
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.1/projects?company_id=5000000001&filters[by_status]=All&page=2", token);
        return await response.Content.ReadAsStringAsync();
    }
}

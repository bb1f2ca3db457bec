using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

public sealed class CompanyAccessTests
{
    [Theory]
    [InlineData("rest/v1.0/me")]
    [InlineData("rest/v1.0/companies")]
    [InlineData("rest/v1.0/projects?company_id=5000000001")]
    public async Task Api_WithoutCompanyHeader_Returns404MissingHeaderByDefault(string path)
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(path, token, companyHeader: null);
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Contains("Missing Procore-Company-Id header!", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("rest/v1.0/me")]
    [InlineData("rest/v1.0/companies")]
    public async Task Api_WithoutCompanyHeader_Returns400WhenConfigured(string path)
    {
        await using var sim = await StartAsync(seed => seed.CompanyHeader.MissingStatus = 400);
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(path, token, companyHeader: null);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("Missing Procore-Company-Id header!", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_WithoutCompanyHeader_InLenientMode_Succeeds()
    {
        await using var sim = await StartAsync(seed => seed.CompanyHeader.Lenient = true);
        var token = await sim.TokenAsync();
        using var me = await sim.GetAsync("rest/v1.0/me", token, companyHeader: null);
        Assert.Equal(200, (int)me.StatusCode);
        using var projects = await sim.GetAsync($"rest/v1.0/projects?company_id={Contoso}", token, companyHeader: null);
        Assert.Equal(200, (int)projects.StatusCode);
    }

    [Fact]
    public async Task Me_WithCompanyHeader_ReturnsServiceAccountUser()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.0/me", token);
        Assert.Equal(200, (int)response.StatusCode);
        var json = await JsonAsync(response);
        Assert.True(json.GetProperty("id").GetInt64() > int.MaxValue);
        Assert.Contains("@", json.GetProperty("login").GetString());
        Assert.Contains("Test App", json.GetProperty("name").GetString());
        Assert.Equal(3, json.EnumerateObject().Count());
    }

    [Fact]
    public async Task Companies_ListsOnlyInstalledCompaniesWithProcoreFields()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.0/companies", token);
        Assert.Equal(200, (int)response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal([Northwind, Contoso], Ids(json));
        var first = json[0];
        Assert.Equal("Northwind Builders", first.GetProperty("name").GetString());
        foreach (var field in new[] { "is_active", "logo_url", "pcn_business_experience", "my_company" })
        {
            Assert.True(first.TryGetProperty(field, out _), field);
        }
    }

    [Theory]
    [InlineData("rest/v1.0/me")]
    [InlineData("rest/v1.0/companies")]
    public async Task Api_WithHeaderOfCompanyWithoutApp_Returns403NotConnected(string path)
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync(path, token, companyHeader: Fabrikam);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("{\"errors\":[\"App is not connected to this company.\"]}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Projects_WithCompanyIdOfCompanyWithoutApp_Returns403NotConnected()
    {
        await using var sim = await StartAsync(seed => seed.CompanyHeader.Lenient = true);
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync($"rest/v1.0/projects?company_id={Fabrikam}", token, companyHeader: null);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Contains("App is not connected to this company.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Projects_WithoutCompanyIdParameter_Returns400()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.0/projects", token);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("company_id", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Projects_List_OmitsProjectsOutsidePermittedList()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync($"rest/v1.0/projects?company_id={Contoso}&filters[by_status]=All", token, Contoso);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(new long[] { HarborTower, ClosedWarehouse }, Ids(await JsonAsync(response)));
        Assert.Equal("2", Header(response, "Total"));
    }

    [Fact]
    public async Task Project_DirectGetOutsidePermittedList_Returns403()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var forbidden = await sim.GetAsync($"rest/v1.0/projects/{BayBridge}?company_id={Contoso}", token, Contoso);
        Assert.Equal(403, (int)forbidden.StatusCode);
        using var permitted = await sim.GetAsync($"rest/v1.0/projects/{HarborTower}?company_id={Contoso}", token, Contoso);
        Assert.Equal(200, (int)permitted.StatusCode);
        Assert.Equal("Harbor Tower", (await JsonAsync(permitted)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Project_UnknownId_Returns404WithErrors()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync($"rest/v1.0/projects/123456789012?company_id={Northwind}", token);
        Assert.Equal(404, (int)response.StatusCode);
        Assert.True((await JsonAsync(response)).TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task UnknownRoute_Returns404Json()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync("rest/v1.0/nothing_here", token);
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("Not Found", (await JsonAsync(response)).GetProperty("errors").GetString());
    }
}

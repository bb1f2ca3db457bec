using static ProcoreAdmin.Tests.ProcoreSimulator.TestSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

public sealed class DirectoryTests
{
    [Theory]
    [InlineData("v1.0")]
    [InlineData("v1.1")]
    [InlineData("v1.2")]
    [InlineData("v1.3")]
    public async Task CompanyUsers_ListActiveUsersWithFields(string version)
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync($"rest/{version}/companies/{Northwind}/users?per_page=100", token);
        Assert.Equal(200, (int)response.StatusCode);
        var users = await JsonAsync(response);
        Assert.InRange(users.GetArrayLength(), 1, 30);
        Assert.Equal(users.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "Total"));
        Assert.All(users.EnumerateArray(), u =>
        {
            Assert.True(u.GetProperty("is_active").GetBoolean());
            Assert.True(u.GetProperty("id").GetInt64() > int.MaxValue);
            Assert.Contains("@", u.GetProperty("email_address").GetString());
            Assert.False(string.IsNullOrEmpty(u.GetProperty("last_name").GetString()));
        });
    }

    [Fact]
    public async Task CompanyUsers_OfCompanyWithoutApp_Returns403()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync($"rest/v1.3/companies/{Fabrikam}/users", token);
        Assert.Equal(403, (int)response.StatusCode);
    }

    [Fact]
    public async Task Offices_ListCompanyOffices()
    {
        await using var sim = await StartAsync();
        var token = await sim.TokenAsync();
        using var response = await sim.GetAsync($"rest/v1.0/offices?company_id={Northwind}", token);
        Assert.Equal(200, (int)response.StatusCode);
        var offices = await JsonAsync(response);
        Assert.Equal(3, offices.GetArrayLength());
        Assert.All(offices.EnumerateArray(), o => Assert.False(string.IsNullOrEmpty(o.GetProperty("city").GetString())));
        using var single = await sim.GetAsync($"rest/v1.0/offices/{offices[0].GetProperty("id").GetInt64()}?company_id={Northwind}", token);
        Assert.Equal(200, (int)single.StatusCode);
    }

    [Fact]
    public async Task ProjectUsers_OfPermittedProject_ReturnsUsersAndOfOtherProject_Returns403()
    {
        await using var sim = await StartAsync(seed => seed.Companies[1].Users = ProcoreAdmin.ProcoreSimulator.SeedList<ProcoreAdmin.ProcoreSimulator.UserSeed>.Of(
            new ProcoreAdmin.ProcoreSimulator.UserSeed { Id = 3_000_000_001, FirstName = "Ada", LastName = "Lovelace" },
            new ProcoreAdmin.ProcoreSimulator.UserSeed { Id = 3_000_000_002, FirstName = "Grace", LastName = "Hopper" }));
        var token = await sim.TokenAsync();
        using var permitted = await sim.GetAsync($"rest/v1.0/projects/{HarborTower}/users", token, Contoso);
        Assert.Equal(200, (int)permitted.StatusCode);
        Assert.Equal(new long[] { 3_000_000_001, 3_000_000_002 }, Ids(await JsonAsync(permitted)));
        using var forbidden = await sim.GetAsync($"rest/v1.0/projects/{BayBridge}/users", token, Contoso);
        Assert.Equal(403, (int)forbidden.StatusCode);
    }
}

using System.Net;
using System.Text.Json;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

[Collection(AppCollection.Name)]
public sealed class HealthEndpointTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_Anonymous_AnswersStatusOnlyWithoutDetails(string url)
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.False(json.RootElement.TryGetProperty("checks", out _), body);
        Assert.DoesNotContain("Sqlite", body);
    }

    [Fact]
    public async Task HealthReady_ForAdmin_DescribesDatabaseKeyRingAndHangfire()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/ready").As(TestSignInExtensions.RolesFor(StaffRoles.Admin)));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal(["database", "hangfire", "key-ring"], checks.EnumerateObject().Select(p => p.Name).Order());
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("Healthy", c.Value.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task HealthReady_ForViewer_HasNoDetails()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/ready").As(TestSignInExtensions.RolesFor(StaffRoles.Viewer)));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.TryGetProperty("checks", out _));
    }

    [Fact]
    public async Task HealthLive_WhenTheDatabaseIsGone_StaysHealthyWhileReadyFails()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using (var warm = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Make the database unreadable: replace the file with garbage.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in Directory.GetFiles(_app.Folder, "procoreadmin.db*"))
        {
            File.Delete(f);
        }

        Directory.CreateDirectory(_app.DatabaseFile);

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}

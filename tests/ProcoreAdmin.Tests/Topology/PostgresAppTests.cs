using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Hosting;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Topology;

/// <summary>The real app with <c>Database:Provider = Postgres</c> on a real server: schema, Hangfire storage and key ring in one database.</summary>
[Collection(AppCollection.Name)]
public sealed class PostgresAppTests
{
    [PostgresFact]
    public async Task App_OnPostgres_IsReadyWithHangfireStorageAndKeyRingInTheSameDatabase()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var app = new AppFactory();
        app.Settings["Database:Provider"] = "Postgres";
        app.Settings["Database:ConnectionString"] = database.ConnectionString;
        app.Settings["Hangfire:ServerEnabled"] = "true";

        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/ready").As(TestSignInExtensions.RolesFor(StaffRoles.Admin)));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks");
        Assert.StartsWith("Postgres: reachable", checks.GetProperty("database").GetProperty("description").GetString());
        Assert.StartsWith("PostgreSqlStorage", checks.GetProperty("hangfire").GetProperty("description").GetString());
        Assert.Equal("Healthy", checks.GetProperty("key-ring").GetProperty("status").GetString());

        await using var db = database.CreateDbContext();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
        Assert.Empty(Directory.Exists(Path.Combine(app.Folder, "keys")) ? Directory.GetFiles(Path.Combine(app.Folder, "keys")) : []);
        Assert.Equal(1L, await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM information_schema.schemata WHERE schema_name = 'hangfire'").SingleAsync());
    }
}

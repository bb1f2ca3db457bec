using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using ProcoreAdmin.Data;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Migrations;

/// <summary>The shipped SQL Server script that makes the audit table append-only for the app's database user.</summary>
public sealed class AuditPermissionsScriptTests
{
    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProcoreAdmin.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir.FullName, ".scripts", "sqlserver-audit-permissions.sql"));
    }

    [Fact]
    public void Script_ParsesAsValidTSql_AndDeniesUpdateAndDeleteOnTheAuditTable()
    {
        var script = Script();

        new TSql170Parser(initialQuotedIdentifiers: true).Parse(new StringReader(script), out var errors);

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"line {e.Line}: {e.Message}")));
        Assert.Contains("DENY UPDATE, DELETE", script);
        Assert.Contains("OBJECT::dbo.AuditEvents", script);
    }

    [SqlServerFact]
    public async Task Script_OnARealServer_AppUserCanInsertButNotUpdateOrDeleteAuditRows()
    {
        var connectionString = Environment.GetEnvironmentVariable(MigrationTests.SqlServerVariable)!;
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        DatabaseSetup.Configure(builder, new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = connectionString }, Path.GetTempPath());
        await using var db = new AppDbContext(builder.Options);
        await db.Database.EnsureDeletedAsync();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("CREATE USER [procoreadmin_app_test] WITHOUT LOGIN;");
        await db.Database.ExecuteSqlRawAsync(Script().Replace("N'procoreadmin_app';", "N'procoreadmin_app_test';", StringComparison.Ordinal));

        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("EXECUTE AS USER = 'procoreadmin_app_test';");
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO dbo.AuditEvents (OccurredUtc, ActorIssuer, ActorSubject, Action, Outcome) VALUES (SYSUTCDATETIME(), N'i', N's', N'test', N'succeeded');");
        var update = await Assert.ThrowsAsync<SqlException>(() => db.Database.ExecuteSqlRawAsync("UPDATE dbo.AuditEvents SET Detail = N'x';"));
        var delete = await Assert.ThrowsAsync<SqlException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM dbo.AuditEvents;"));
        await db.Database.ExecuteSqlRawAsync("REVERT;");

        Assert.Equal(229, update.Number); // permission denied
        Assert.Equal(229, delete.Number);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Migrations;

/// <summary>One model, three providers, three migration sets: each must be complete and valid.</summary>
public sealed class MigrationTests
{
    public const string SqlServerVariable = "PROCOREADMIN_TEST_SQLSERVER";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    [InlineData(DatabaseProvider.Postgres)]
    public void Provider_HasNoPendingModelChanges(DatabaseProvider provider)
    {
        using var db = Context(provider, provider switch
        {
            DatabaseProvider.Sqlite => "Data Source=:memory:",
            DatabaseProvider.Postgres => "Host=none;Database=none",
            _ => "Server=none;Database=none;TrustServerCertificate=True",
        });
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"{provider}: the model changed without a migration. Run .scripts/add-migration.sh <Name>.");
    }

    [Fact]
    public void BothProviders_HaveMigrationsWithTheSameNames()
    {
        using var sqlite = Context(DatabaseProvider.Sqlite, "Data Source=:memory:");
        using var sqlServer = Context(DatabaseProvider.SqlServer, "Server=none;Database=none");
        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]);
        Assert.Equal(Names(sqlite), Names(sqlServer));
    }

    /// <summary>
    /// PostgreSQL starts from one baseline migration of the whole model (it joined later); every migration after the
    /// baseline has the same name as in the other providers.
    /// </summary>
    [Fact]
    public void Postgres_MigrationsAfterTheBaseline_MatchTheOtherProviders()
    {
        using var sqlite = Context(DatabaseProvider.Sqlite, "Data Source=:memory:");
        using var postgres = Context(DatabaseProvider.Postgres, "Host=none;Database=none");
        static List<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]).ToList();
        var postgresNames = Names(postgres);
        Assert.Equal("PostgresBaseline", postgresNames[0]);
        var after = postgresNames.Skip(1).ToList();
        var sqliteNames = Names(sqlite);
        Assert.Equal(after, sqliteNames.Skip(sqliteNames.Count - after.Count));
    }

    [PostgresFact]
    public async Task Postgres_MigrateOnARealServer_AppliesEveryMigrationAndStoresRows()
    {
        await using var server = await PostgresDatabase.CreateAsync();
        await using var db = server.CreateDbContext();
        await db.Database.MigrateAsync();

        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges());
        db.AuditEvents.Add(new AuditEvent { ActorIssuer = "i", ActorSubject = "s", Action = "test", Outcome = "ok", OccurredUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        await db.SaveChangesAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync());
    }

    [Fact]
    public void SqlServerScript_GeneratedWithoutAServer_ParsesAsValidTSql()
    {
        using var db = Context(DatabaseProvider.SqlServer, "Server=none;Database=none");
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader(script), out var errors);

        Assert.Contains("CREATE TABLE [AuditEvents]", script);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"line {e.Line}: {e.Message}")));
    }

    [Fact]
    public async Task Sqlite_MigrateOnAnEmptyFile_AppliesEveryMigration()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "m.db");
        await using var db = Context(DatabaseProvider.Sqlite, $"Data Source={file}");
        await db.Database.MigrateAsync();

        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        db.AuditEvents.Add(new AuditEvent { ActorIssuer = "i", ActorSubject = "s", Action = "test", Outcome = "ok", OccurredUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        await db.SaveChangesAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync());
    }

    [SqlServerFact]
    public async Task SqlServer_MigrateOnARealServer_AppliesEveryMigration()
    {
        var connectionString = Environment.GetEnvironmentVariable(SqlServerVariable)!;
        await using var db = Context(DatabaseProvider.SqlServer, connectionString);
        await db.Database.EnsureDeletedAsync();
        await db.Database.MigrateAsync();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    private static AppDbContext Context(DatabaseProvider provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        DatabaseSetup.Configure(builder, new DatabaseOptions { Provider = provider, ConnectionString = connectionString }, Path.GetTempPath());
        return new AppDbContext(builder.Options);
    }
}

/// <summary>Runs only when <c>PROCOREADMIN_TEST_SQLSERVER</c> holds a connection string to a disposable database.</summary>
public sealed class SqlServerFactAttribute : FactAttribute
{
    public SqlServerFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(MigrationTests.SqlServerVariable)))
        {
            Skip = $"Set {MigrationTests.SqlServerVariable} to a SQL Server connection string (a database the test may drop) to run this test.";
        }
    }
}

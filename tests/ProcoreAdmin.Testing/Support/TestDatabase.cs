using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Support;

/// <summary>A migrated SQLite file in a temporary folder, with a context factory like the app's.</summary>
public sealed class TestDatabase : IDbContextFactory<AppDbContext>, IDisposable
{
    private readonly DbContextOptions<AppDbContext> _options;

    private TestDatabase(string folder)
    {
        Folder = folder;
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        DatabaseSetup.Configure(builder, new DatabaseOptions { ConnectionString = $"Data Source={File}" }, folder);
        _options = builder.Options;
    }

    public string Folder { get; }

    public string File => Path.Combine(Folder, "test.db");

    public static async Task<TestDatabase> CreateAsync()
    {
        var db = new TestDatabase(Directory.CreateTempSubdirectory("procoreadmin-db-").FullName);
        await using var context = db.CreateDbContext();
        await context.Database.MigrateAsync();
        return db;
    }

    public AppDbContext CreateDbContext() => new(_options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }
}

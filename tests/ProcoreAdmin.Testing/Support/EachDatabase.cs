using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Support;

/// <summary>
/// Runs one provider-neutral test body on a fresh database of each provider: a SQLite file, or a migrated PostgreSQL
/// database (with a temp folder for the app's content root). The body gets the app's database options, that folder and
/// a context factory to inspect what was written.
/// </summary>
public static class EachDatabase
{
    public delegate Task Body(DatabaseOptions options, string folder, IDbContextFactory<AppDbContext> db);

    public static async Task OnSqliteAsync(Body body)
    {
        using var database = await TestDatabase.CreateAsync();
        await body(new DatabaseOptions { ConnectionString = $"Data Source={database.File}" }, database.Folder, database);
    }

    public static async Task OnPostgresAsync(Body body)
    {
        await using var database = await PostgresDatabase.CreateAsync(migrate: true);
        var folder = Directory.CreateTempSubdirectory("procoreadmin-pg-").FullName;
        try
        {
            await body(database.Options, folder, database);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Npgsql;
using ProcoreAdmin.Data;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Support;

/// <summary>
/// A fresh, empty PostgreSQL database on the server named by <c>PROCOREADMIN_TEST_POSTGRES</c> (the test command
/// starts a throw-away cluster and sets it), dropped again on dispose.
/// </summary>
public sealed class PostgresDatabase : IDbContextFactory<AppDbContext>, IAsyncDisposable
{
    public const string Variable = "PROCOREADMIN_TEST_POSTGRES";

    private readonly string _server;
    private readonly DbContextOptions<AppDbContext> _options;

    private PostgresDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true, MaxPoolSize = 40 }.ToString();
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        DatabaseSetup.Configure(builder, Options, Path.GetTempPath());
        _options = builder.Options;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public DatabaseOptions Options => new() { Provider = DatabaseProvider.Postgres, ConnectionString = ConnectionString };

    public static string? Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;

    public static async Task<PostgresDatabase> CreateAsync(bool migrate = false)
    {
        var server = Server ?? throw new InvalidOperationException($"{Variable} is not set.");
        var db = new PostgresDatabase(server, $"procoreadmin_test_{Guid.NewGuid():N}");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{db.Name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        if (migrate)
        {
            await using var context = db.CreateDbContext();
            await context.Database.MigrateAsync();
        }

        return db;
    }

    public AppDbContext CreateDbContext() => new(_options);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// A test that needs a real PostgreSQL server. The test command always provides one (it starts a throw-away cluster
/// when <c>PROCOREADMIN_TEST_POSTGRES</c> is unset); a bare <c>dotnet test</c> without it reports the test as skipped.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresDatabase.Server is null)
        {
            Skip = $"Run through .scripts/test.sh (it starts PostgreSQL) or set {PostgresDatabase.Variable} to a server connection string.";
        }
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;

namespace ProcoreAdmin.Web.Hosting;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary>Section <c>Database</c>: which provider and where.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// SQLite: defaults to <c>App_Data/procoreadmin.db</c> under the content root.
    /// SQL Server and PostgreSQL: required (environment variable <c>Database__ConnectionString</c> or user secrets).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start-up (the default). Turn off when a deployment pipeline migrates.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        if (!Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Fail("Database:Provider must be 'Sqlite', 'SqlServer' or 'Postgres'.");
        }

        if (options.Provider is DatabaseProvider.SqlServer or DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var server = options.Provider == DatabaseProvider.SqlServer ? "SQL Server" : "PostgreSQL";
            return ValidateOptionsResult.Fail(
                $"Database:Provider is '{options.Provider}' but Database:ConnectionString is empty. " +
                $"Set the environment variable Database__ConnectionString (or a user secret) to the {server} connection string.");
        }

        return ValidateOptionsResult.Success;
    }
}

public static class DatabaseSetup
{
    public const string SqliteMigrationsAssembly = "ProcoreAdmin.Migrations.Sqlite";
    public const string SqlServerMigrationsAssembly = "ProcoreAdmin.Migrations.SqlServer";
    public const string PostgresMigrationsAssembly = "ProcoreAdmin.Migrations.Postgres";

    public static WebApplicationBuilder AddAppDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var contentRoot = builder.Environment.ContentRootPath;

        builder.Services.AddDbContextFactory<AppDbContext>(db =>
        {
            Configure(db, options, contentRoot);
            // Sensitive data logging stays off everywhere: parameters could carry ciphertext or secrets.
            db.EnableSensitiveDataLogging(false);
        });
        return builder;
    }

    /// <summary>Configures a context for the chosen provider; shared with design-time tooling and tests.</summary>
    public static void Configure(DbContextOptionsBuilder db, DatabaseOptions options, string contentRoot)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.SqlServer:
                db.UseSqlServer(options.ConnectionString, sql => sql.MigrationsAssembly(SqlServerMigrationsAssembly));
                break;
            case DatabaseProvider.Postgres:
                db.UseNpgsql(options.ConnectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            default:
                db.UseSqlite(SqliteConnectionString(options, contentRoot), sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly));
                break;
        }
    }

    public static string SqliteConnectionString(DatabaseOptions options, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(options.ConnectionString) ? "Data Source=App_Data/procoreadmin.db" : options.ConnectionString);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        }

        // Concurrent writers (two instances, jobs + circuits) wait instead of failing with "database is locked".
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }

    /// <summary>The start-up step that creates or upgrades the schema through migrations (never by creating it from the model).</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!options.MigrateOnStartup)
        {
            return;
        }

        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        await db.Database.MigrateAsync();
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers (circuits) and one writer (jobs) work side by side.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }
}

using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>Section <c>Hangfire</c>.</summary>
public sealed class HangfireOptions
{
    public const string SectionName = "Hangfire";

    /// <summary>Run a Hangfire server in this instance (off for instances that only serve the UI).</summary>
    public bool ServerEnabled { get; set; } = true;

    public int WorkerCount { get; set; } = 4;

    /// <summary>
    /// Server storage (SQL Server, PostgreSQL): how long a job fetched by an instance that then died stays invisible
    /// before another instance picks it up. Default 30 minutes (Hangfire's default); tests shorten it.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// Hangfire storage follows the database: InMemory for the embedded SQLite default (our own tables keep schedules
/// and run history, so a restart loses nothing that matters), SQL Server storage in production.
/// </summary>
public static class HangfireSetup
{
    public static WebApplicationBuilder AddBackgroundJobs(this WebApplicationBuilder builder)
    {
        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var settings = builder.Configuration.GetSection(HangfireOptions.SectionName).Get<HangfireOptions>() ?? new HangfireOptions();
        builder.Services.Configure<HangfireOptions>(builder.Configuration.GetSection(HangfireOptions.SectionName));

        builder.Services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseFilter(new JobTracingFilter());
            if (database.Provider == DatabaseProvider.SqlServer)
            {
                config.UseSqlServerStorage(database.ConnectionString, new SqlServerStorageOptions { PrepareSchemaIfNecessary = true });
            }
            else if (database.Provider == DatabaseProvider.Postgres)
            {
                // Same database, its own "hangfire" schema. A fetched job whose server dies (kill -9) becomes visible
                // to other servers again after InvisibilityTimeout; our jobs are idempotent, so a re-run adds nothing twice.
                config.UsePostgreSqlStorage(
                    pg => pg.UseNpgsqlConnection(database.ConnectionString),
                    new PostgreSqlStorageOptions
                    {
                        PrepareSchemaIfNecessary = true,
                        InvisibilityTimeout = settings.InvisibilityTimeout,
                        QueuePollInterval = TimeSpan.FromSeconds(1),
                        DistributedLockTimeout = TimeSpan.FromMinutes(1),
                    });
            }
            else
            {
                config.UseInMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromDays(7) });
            }
        });

        if (settings.ServerEnabled)
        {
            builder.Services.AddHangfireServer(o =>
            {
                o.WorkerCount = Math.Max(1, settings.WorkerCount);
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                o.ServerName = $"procoreadmin:{Environment.MachineName}:{Environment.ProcessId}";
            });
        }

        return builder;
    }

    /// <summary>The dashboard at <c>/hangfire</c>, behind the Admin policy (anonymous → sign-in, non-admin → 403).</summary>
    public static WebApplication MapBackgroundJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            // Endpoint authorization below replaces Hangfire's local-requests-only default filter.
            Authorization = [],
            AsyncAuthorization = [],
            DashboardTitle = "ProcoreAdmin jobs",
            AppPath = "/maintenance",
            DisplayStorageConnectionString = false,
        })
            .RequireAuthorization(StaffRoles.Policies.Administer);
        return app;
    }
}

using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>
/// The app's own service graph for Maintenance, Notifications and Rotation (the real <c>AddX()</c> registrations) over a
/// SQLite file, with a fake clock, the fake credential registry, recording Hangfire clients and a role for CurrentStaff.
/// Two graphs on one file behave like two app instances sharing a database.
/// </summary>
public sealed class AppGraph : IAsyncDisposable
{
    private AppGraph(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();
    public FakeCredentialRegistry Registry => Services.GetRequiredService<FakeCredentialRegistry>();
    public RecordingJobClient Jobs => (RecordingJobClient)Services.GetRequiredService<IBackgroundJobClient>();
    public RecordingRecurringJobs Recurring => (RecordingRecurringJobs)Services.GetRequiredService<IRecurringJobManager>();
    public RecordingProcoreClient Procore => (RecordingProcoreClient)Services.GetRequiredService<IProcoreClient>();
    public IDbContextFactory<AppDbContext> Db => Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    /// <summary>No appsettings file watcher per graph: tests build many, and inotify instances are a per-user limit.</summary>
    private static readonly string[] NoFileWatchers = ["--hostBuilder:reloadConfigOnChange=false"];

    public static AppGraph Create(TestDatabase database, FakeTimeProvider time, FakeCredentialRegistry registry, string role = StaffRoles.Admin,
        IDictionary<string, string?>? settings = null, string environment = "Production") =>
        Create(new DatabaseOptions { ConnectionString = $"Data Source={database.File}" }, database.Folder, time, registry, role, settings, environment);

    /// <summary>The same graph on any supported database (e.g. a <see cref="PostgresDatabase"/>'s options).</summary>
    public static AppGraph Create(DatabaseOptions databaseOptions, string folder, FakeTimeProvider time, FakeCredentialRegistry registry, string role = StaffRoles.Admin,
        IDictionary<string, string?>? settings = null, string environment = "Production", Action<DbContextOptionsBuilder>? configureDatabase = null) =>
        new(BuildServices(folder, databaseOptions, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddSingleton(registry);
            services.AddSingleton<ICredentialDirectory>(registry);
            services.AddSingleton<ICredentialVerifier>(registry);
            services.AddSingleton<ICredentialSecretStore>(registry);
            services.AddSingleton<IProcoreClient, RecordingProcoreClient>();
            services.AddSingleton<IBackgroundJobClient, RecordingJobClient>();
            services.AddSingleton<IRecurringJobManager, RecordingRecurringJobs>();
            services.AddScoped(_ => FixedAuthenticationState.As(role));
        }, settings, environment, configureDatabase));

    /// <summary>
    /// The app's own registrations for Audit, Maintenance, Notifications and Rotation (<c>AddAudit()</c> … <c>AddRotation()</c>)
    /// over the database <paramref name="databaseOptions"/>. <paramref name="overrides"/> registers what the graph does not
    /// own (clock, credential registry, Procore client, Hangfire clients, the signed-in staff) before the features do.
    /// Shared by the tests and the benchmarks, so both measure the app's wiring rather than a copy of it.
    /// </summary>
    public static ServiceProvider BuildServices(string folder, DatabaseOptions databaseOptions, Action<IServiceCollection> overrides,
        IDictionary<string, string?>? settings = null, string environment = "Production", Action<DbContextOptionsBuilder>? configureDb = null,
        bool validateScopes = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = folder, Args = NoFileWatchers });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Services.AddDbContextFactory<AppDbContext>(o =>
        {
            DatabaseSetup.Configure(o, databaseOptions, folder);
            configureDb?.Invoke(o);
        });
        overrides(builder.Services);
        builder.AddAudit();
        builder.Services.AddCredentialJobs();
        builder.AddMaintenance();
        builder.AddNotifications();
        builder.AddRotation();
        return builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = validateScopes });
    }

    /// <summary>Runs the start-up schedule seeding and Hangfire registration like the host does.</summary>
    public async Task StartAsync()
    {
        foreach (var hosted in Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async Task<T> InScopeAsync<TService, T>(Func<TService, Task<T>> action)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task InScopeAsync<TService>(Func<TService, Task> action)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

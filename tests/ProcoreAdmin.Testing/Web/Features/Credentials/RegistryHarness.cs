using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ProcoreAdmin.Data;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Companies;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>
/// The registry as the app wires it: the app's own registrations (<c>AddAppDatabase</c>, <c>AddKeyRing</c>, <c>AddAudit</c>,
/// <c>AddCompanies</c>, <c>AddCredentials</c>, <c>AddMaintenance</c>) over a migrated SQLite file in WAL mode and a Data
/// Protection key ring in a temp folder, with these test overrides: the Procore client (no jitter, no outbound policy)
/// calls the in-process simulator, the caller's role is set per call, and every log (EF Core and HttpClient included) is
/// collected at Trace.
/// </summary>
public sealed class RegistryHarness : IAsyncDisposable
{
    public const string DemoSecret = "FAKE-procoreadmin-demo-secret-not-real";
    public const string DemoClientId = "procoreadmin-demo-client";

    private readonly ServiceProvider _services;
    private readonly List<AsyncServiceScope> _scopes = [];

    /// <summary>No appsettings file watcher per graph: tests build many, and inotify instances are a per-user limit.</summary>
    private static readonly string[] NoFileWatchers = ["--hostBuilder:reloadConfigOnChange=false"];

    private RegistryHarness(string folder, SimulatorHost simulator)
    {
        Folder = folder;
        Simulator = simulator;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = folder, Args = NoFileWatchers });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={DatabaseFile}",
            ["DataProtection:KeysPath"] = Path.Combine(folder, "keys"),
        });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        builder.AddAppDatabase();
        builder.AddKeyRing();
        builder.AddAudit();
        builder.AddCompanies();
        builder.AddCredentials();
        builder.AddMaintenance();

        // Test overrides: the simulator is a loopback Custom environment the app's outbound policy would refuse, and the
        // caller's role comes from the test instead of a sign-in.
        builder.Services.AddProcoreClient(o => o.MaxJitter = TimeSpan.Zero);
        builder.Services.AddSingleton(TimeProvider.System);
        // The credential detail's tied schedules come from Maintenance, whose schedule registrar needs Hangfire's recurring jobs.
        builder.Services.AddSingleton<Hangfire.IRecurringJobManager, ProcoreAdmin.Tests.Web.Features.Rotation.RecordingRecurringJobs>();
        builder.Services.AddScoped<CallerRole>();
        builder.Services.AddScoped(sp => FixedAuthenticationState.As(sp.GetRequiredService<CallerRole>().Role));
        _services = builder.Services.BuildServiceProvider();
    }

    public string Folder { get; }

    public string DatabaseFile => Path.Combine(Folder, "registry.db");

    public SimulatorHost Simulator { get; }

    public Uri SimulatorUrl => Simulator.BaseAddress;

    public IServiceProvider Services => _services;

    public IDbContextFactory<AppDbContext> Db => _services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    public ISecretProtector Protector => _services.GetRequiredService<ISecretProtector>();

    public CredentialSecretStore Store => _services.GetRequiredService<CredentialSecretStore>();

    public IKeyManager KeyManager => _services.GetRequiredService<IKeyManager>();

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    public ReprotectSecretsJob ReprotectJob => _services.GetRequiredService<ReprotectSecretsJob>();

    public IProcoreClient Procore => _services.GetRequiredService<IProcoreClient>();

    public static async Task<RegistryHarness> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("procoreadmin-registry-").FullName;
        var simulator = await SimulatorHost.StartAsync(new SimulatorHostOptions { Url = "http://127.0.0.1:0", EnvironmentName = "Development" });
        var harness = new RegistryHarness(folder, simulator);
        await using var db = await harness.Db.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");

        // What the host's AuditChainStartup does before the first request: create (or read) the audit chain key.
        await harness._services.GetRequiredService<AuditChainKey>().GetAsync(CancellationToken.None);
        return harness;
    }

    public CredentialsService Credentials(string role) => InRole<CredentialsService>(role);

    public CompaniesService Companies(string role) => InRole<CompaniesService>(role);

    public AuditService Audit(string role) => InRole<AuditService>(role);

    /// <summary>What the credential page's Consumers section (token broker grants) needs, as <paramref name="role"/>.</summary>
    public void AddConsumersPanel(IServiceCollection services, string role)
    {
        var scope = ScopeFor(role);
        services.AddSingleton<ICredentialDirectory>(scope.GetRequiredService<ICredentialDirectory>());
        services.AddSingleton(ActivatorUtilities.CreateInstance<ProcoreAdmin.Web.Features.TokenBroker.BrokerGrantService>(scope));
    }

    public CredentialDirectory DirectoryAs(string role) => (CredentialDirectory)InRole<ICredentialDirectory>(role);

    /// <summary>A service from the app's registrations, resolved in a scope whose signed-in staff has <paramref name="role"/>.</summary>
    public T InRole<T>(string role)
        where T : notnull => ScopeFor(role).GetRequiredService<T>();

    private IServiceProvider ScopeFor(string role)
    {
        var scope = _services.CreateAsyncScope();
        lock (_scopes)
        {
            _scopes.Add(scope);
        }

        scope.ServiceProvider.GetRequiredService<CallerRole>().Role = role;
        return scope.ServiceProvider;
    }

    /// <summary>Adds a Custom-environment company (simulator) as Admin and returns its internal id.</summary>
    public async Task<long> AddCompanyAsync(long procoreId, string name)
    {
        var result = await Companies(StaffRoles.Admin).CreateAsync(new CompanyInput { ProcoreCompanyId = procoreId.ToString(), Name = name, Environment = "Custom" });
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
        return result.Id!.Value;
    }

    /// <summary>
    /// Registers a Custom credential pointing at the simulator as Admin and returns its id. Fixture client ids are unknown
    /// to the simulator, so the test before save fails and the registration is the explicit "save anyway".
    /// </summary>
    public async Task<long> AddCredentialAsync(string clientId, string secret, params long[] companyIds)
    {
        var result = await Credentials(StaffRoles.Admin).CreateAsync(new CredentialInput
        {
            Label = "App " + clientId, Environment = "Custom", ClientId = clientId, Secret = secret,
            CustomLoginBaseUrl = SimulatorUrl.ToString(), CustomApiBaseUrl = SimulatorUrl.ToString(), CompanyIds = [.. companyIds],
            SaveAnyway = true,
        });
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values) + result.Message);
        return result.Id!.Value;
    }

    /// <summary>Token requests the simulator received (its request log).</summary>
    public int TokenRequests() => Simulator.State.GetRequests().Count(r => r.Path.EndsWith("/oauth/token", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        foreach (var scope in _scopes)
        {
            await scope.DisposeAsync();
        }

        await _services.DisposeAsync();
        await Simulator.DisposeAsync();
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

    /// <summary>The role of the staff member the harness calls services as (set per scope).</summary>
    private sealed class CallerRole
    {
        public string Role { get; set; } = StaffRoles.Viewer;
    }
}

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
/// The registry as the app wires it: a migrated SQLite file in WAL mode, a Data Protection key ring in a temp folder,
/// the real Procore client against the in-process simulator, and every log (EF Core and HttpClient included) at Trace.
/// </summary>
public sealed class RegistryHarness : IAsyncDisposable
{
    public const string DemoSecret = "FAKE-procoreadmin-demo-secret-not-real";
    public const string DemoClientId = "procoreadmin-demo-client";

    private readonly ServiceProvider _services;

    private RegistryHarness(string folder, SimulatorHost simulator)
    {
        Folder = folder;
        Simulator = simulator;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton(TimeProvider.System);
        services.AddDataProtection().SetApplicationName(DataProtectionSetup.ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(folder, "keys")));
        services.AddDbContextFactory<AppDbContext>(db =>
        {
            DatabaseSetup.Configure(db, new DatabaseOptions { ConnectionString = $"Data Source={DatabaseFile}" }, folder);
            db.EnableSensitiveDataLogging(false);
        });
        services.AddProcoreClient(o => o.MaxJitter = TimeSpan.Zero);
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<JobRunRecorder>();
        services.AddSingleton<ISecretProtector, SecretProtector>();
        services.AddSingleton<CredentialSecretStore>();
        services.AddSingleton<ICredentialVerifier, CredentialVerifier>();
        services.AddTransient<ReprotectSecretsJob>();
        _services = services.BuildServiceProvider();
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
        return harness;
    }

    public CredentialsService Credentials(string role) => new(Db, FixedAuthenticationState.As(role), Store,
        _services.GetRequiredService<ICredentialVerifier>(), Procore, _services.GetRequiredService<AuditTrail>(), TimeProvider.System);

    public CompaniesService Companies(string role) => new(Db, FixedAuthenticationState.As(role), _services.GetRequiredService<AuditTrail>(), TimeProvider.System);

    public AuditService Audit(string role) => new(Db, FixedAuthenticationState.As(role), _services.GetRequiredService<AuditTrail>());

    /// <summary>What the credential page's Consumers section (token broker grants) needs, as <paramref name="role"/>.</summary>
    public void AddConsumersPanel(IServiceCollection services, string role)
    {
        var directory = DirectoryAs(role);
        services.AddSingleton<ICredentialDirectory>(directory);
        services.AddSingleton(new ProcoreAdmin.Web.Features.TokenBroker.BrokerGrantService(Db, directory, FixedAuthenticationState.As(role),
            _services.GetRequiredService<AuditTrail>(), TimeProvider.System));
    }

    public CredentialDirectory DirectoryAs(string role)
    {
        var scoped = new ServiceCollection().AddSingleton(FixedAuthenticationState.As(role)).BuildServiceProvider();
        return new CredentialDirectory(Db, Store, scoped);
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
}

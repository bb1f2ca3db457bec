using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.ApiConsole;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Projects;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Projects;

/// <summary>
/// A stand-in for the credential registry (issue 4): one credential set, the simulator's demo app, in a Custom
/// environment pointing at a simulator started by the test. Counts directory reads so tests can see double work.
/// </summary>
public sealed class FakeCredentialDirectory(Uri simulator, string secret = FakeCredentialDirectory.DemoSecret) : ICredentialDirectory
{
    public const string DemoClientId = "procoreadmin-demo-client";
    public const string DemoSecret = "FAKE-procoreadmin-demo-secret-not-real";
    public const long Northwind = 5_000_000_001;
    public const long Contoso = 5_000_000_002;
    public const long Fabrikam = 5_000_000_003;

    public static readonly CredentialOption Demo = new(41, "ProcoreAdmin Demo", ProcoreEnvironment.Custom, DemoClientId,
        CredentialStatus.Active, [Northwind, Contoso]);

    private int _reads;

    /// <summary>When set, the demo set also covers the monthly sandbox (the simulator's <c>/_env/monthly_sandbox/</c> hosts).</summary>
    public bool CoversMonthlySandbox { get; set; }

    /// <summary>The demo set as this directory serves it.</summary>
    public CredentialOption Credential => CoversMonthlySandbox
        ? Demo with { CoversMonthlySandbox = true, CustomMonthlyLoginBaseUrl = MonthlyBase, CustomMonthlyApiBaseUrl = MonthlyBase }
        : Demo;

    private Uri MonthlyBase => new(simulator, "_env/monthly_sandbox/");

    public int Reads => _reads;

    /// <summary>A key unique to this directory, so tests sharing the singleton client never share tokens.</summary>
    public string KeyPrefix { get; } = Guid.NewGuid().ToString("N")[..8];

    public Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult<IReadOnlyList<CompanyOption>>(
        [
            new(Northwind, "Northwind Builders", ProcoreEnvironment.Custom),
            new(Contoso, "Contoso Construction", ProcoreEnvironment.Custom),
            new(Fabrikam, "Fabrikam Fabricators", ProcoreEnvironment.Custom),
        ]);
    }

    public Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult<IReadOnlyList<CredentialOption>>(
            procoreCompanyId is null || Demo.InstalledCompanyIds.Contains(procoreCompanyId.Value) ? [Credential] : []);
    }

    public Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default) =>
        Task.FromResult(credentialId == Demo.CredentialId ? Credential : null);

    public Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CredentialRotationInfo>>([]);

    public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current) =>
        new($"{KeyPrefix}:{credential.CredentialId}:{slot}", ProcoreEnvironment.Custom, credential.ClientId,
            _ => ValueTask.FromResult(secret), simulator, simulator);

    public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot, CredentialTarget target) =>
        target == CredentialTarget.Primary
            ? ToProcoreCredential(credential, slot)
            : credential.CoversMonthlySandbox
                ? new($"{KeyPrefix}:{credential.CredentialId}:{slot}:{target}", ProcoreEnvironment.Custom, credential.ClientId,
                    _ => ValueTask.FromResult(secret), MonthlyBase, MonthlyBase)
                : throw new InvalidOperationException($"Credential {credential.CredentialId} does not cover the monthly sandbox.");
}

/// <summary>
/// The simulator (default seed: Northwind with 10,000 projects, Contoso, Fabrikam without the app) on a free loopback
/// port, a migrated temp database, and the services the Projects and ApiConsole features need.
/// </summary>
public sealed class ProcoreFeatureHarness : IAsyncDisposable
{
    private ProcoreFeatureHarness(SimulatorHost simulator, TestDatabase database)
    {
        Simulator = simulator;
        Database = database;
    }

    public SimulatorHost Simulator { get; }

    public TestDatabase Database { get; }

    public static async Task<ProcoreFeatureHarness> StartAsync(Action<SimulatorSeed>? configure = null)
    {
        var seed = SimulatorSeed.LoadDefault();
        configure?.Invoke(seed);
        var simulator = await SimulatorHost.StartAsync(new SimulatorHostOptions { Url = "http://127.0.0.1:0", Seed = seed });
        return new ProcoreFeatureHarness(simulator, await TestDatabase.CreateAsync());
    }

    /// <summary>Registers the client (few retries so fault tests are quick), audit, database and features.</summary>
    public FakeCredentialDirectory AddServices(IServiceCollection services, string? role, string secret = FakeCredentialDirectory.DemoSecret,
        Action<ProcoreClientOptions>? client = null)
    {
        var directory = new FakeCredentialDirectory(Simulator.BaseAddress, secret);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddProcoreClient(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(15); // generous: the CI machine has 2 busy cores
            o.MaxTransientRetries = 1;
            o.BaseBackoff = TimeSpan.FromMilliseconds(50);
            o.MaxBackoff = TimeSpan.FromMilliseconds(200);
            o.MaxRateLimitRetries = 0;
            o.MaxRateLimitWait = TimeSpan.FromSeconds(5);
            client?.Invoke(o);
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IDbContextFactory<AppDbContext>>(Database);
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<ICredentialDirectory>(directory);
        if (role is not null)
        {
            services.AddScoped<AuthenticationStateProvider>(_ => new FixedAuthenticationState(Web.Hosting.TestSignInExtensions.RolesFor(role)));
        }

        services.AddScoped<CurrentStaff>();
        services.AddScoped<BrowserTimeZone>();
        services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        services.AddScoped<ProjectBrowserService>();
        services.AddScoped<ProjectExportService>();
        services.AddScoped<ProjectsPageService>();
        services.AddSingleton<ProjectExportStore>();
        services.AddScoped<ApiConsoleService>();
        return directory;
    }

    /// <summary>API requests the simulator saw (token requests excluded).</summary>
    public IReadOnlyList<RequestLogEntry> ApiRequests(string pathPrefix = "/rest/") =>
        [.. Simulator.State.GetRequests().Where(r => !r.IsTokenRequest && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        Database.Dispose();
    }
}

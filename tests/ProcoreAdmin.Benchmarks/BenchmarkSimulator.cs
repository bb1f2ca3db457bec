using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;

namespace ProcoreAdmin.Benchmarks;

/// <summary>
/// The simulator the Procore goals run against: company <see cref="CompanyId"/> with 10,000 generated projects and one
/// production app installed in it. <see cref="CreateClient"/> builds the typed client exactly as the app registers it
/// (<c>AddProcoreClient</c>), pointed at the simulator through a Custom-environment credential.
/// </summary>
public sealed class BenchmarkSimulator : IAsyncDisposable
{
    public const long CompanyId = 5_000_000_001;
    public const int ProjectCount = 10_000;

    /// <summary>A second company with <see cref="SmallProjectCount"/> projects (G3b's memory leg compares the two).</summary>
    public const long SmallCompanyId = 5_000_000_002;
    public const int SmallProjectCount = 2_000;
    public const string ClientId = "procoreadmin-benchmark-client";

    private BenchmarkSimulator(SimulatorHost host, SimulatorSeed seed, string secret)
    {
        Host = host;
        Seed = seed;
        Secret = secret;
    }

    public SimulatorHost Host { get; }

    public SimulatorState State => Host.State;

    public Uri BaseAddress => Host.BaseAddress;

    /// <summary>The seed (rate limits on, 5,400 s tokens as in the default seed); also used for an out-of-process copy.</summary>
    public SimulatorSeed Seed { get; }

    /// <summary>A fake high-entropy secret made for this run.</summary>
    public string Secret { get; }

    public static SimulatorSeed CreateSeed(string secret) => new()
    {
        RandomSeed = 20240601,
        TokenLifetimeSeconds = 5400,
        Companies =
        [
            new CompanySeed
            {
                Id = CompanyId,
                Name = "Northwind Builders",
                Projects = SeedList<ProjectSeed>.Generated(ProjectCount),
                Users = SeedList<UserSeed>.Generated(20),
                Offices = SeedList<OfficeSeed>.Generated(2),
            },
            new CompanySeed
            {
                Id = SmallCompanyId,
                Name = "Contoso Construction",
                Projects = SeedList<ProjectSeed>.Generated(SmallProjectCount),
                Users = SeedList<UserSeed>.Generated(5),
                Offices = SeedList<OfficeSeed>.Generated(1),
            },
        ],
        Apps =
        [
            new AppSeed
            {
                Name = "ProcoreAdmin Benchmark",
                ClientId = ClientId,
                ClientSecret = secret,
                Installations = [new InstallationSeed { CompanyId = CompanyId }, new InstallationSeed { CompanyId = SmallCompanyId }],
            },
        ],
    };

    public static async Task<BenchmarkSimulator> StartAsync(CancellationToken ct)
    {
        var secret = "FAKE-BENCHSECRET-" + Guid.NewGuid().ToString("N");
        var seed = CreateSeed(secret);
        var host = await SimulatorHost.StartAsync(new SimulatorHostOptions
        {
            Url = "http://127.0.0.1:0",
            Seed = seed,
            EnvironmentName = "Development",
        }, ct);
        return new BenchmarkSimulator(host, seed, secret);
    }

    /// <summary>A credential for the benchmark app at <paramref name="baseAddress"/> (this simulator by default).</summary>
    public ProcoreCredential Credential(string key = "benchmark", Uri? baseAddress = null) => CredentialFor(key, Secret, baseAddress ?? BaseAddress);

    public static ProcoreCredential CredentialFor(string key, string secret, Uri baseAddress) =>
        new(key, ProcoreEnvironment.Custom, ClientId, _ => ValueTask.FromResult(secret), baseAddress, baseAddress);

    /// <summary>A new typed client (own token cache, rate-limit state and connection pool, no connection open yet). Dispose it after the leg.</summary>
    public static TypedClient CreateClient(Action<ProcoreClientOptions>? configure = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddLogging();
        services.AddProcoreClient(configure);
        var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IProcoreClient>();

        // Build the named HttpClient's handler chain now (a one-time cost per application, like constructing the
        // SocketsHttpHandler of a raw HttpClient), so that measured legs contain only per-call work. Opens no connection.
        provider.GetRequiredService<IHttpClientFactory>().CreateClient(ProcoreClient.ProcoreClient.HttpClientName).Dispose();
        return new TypedClient(provider, client);
    }

    /// <summary>Back to the seed: settings, secrets, no tokens, fresh windows, no faults, empty log, zero counters.</summary>
    public void Reset() => State.Reset();

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    /// <summary>A typed client with its own service provider.</summary>
    public sealed class TypedClient(ServiceProvider provider, IProcoreClient client) : IAsyncDisposable
    {
        public IProcoreClient Client { get; } = client;

        public ValueTask DisposeAsync() => provider.DisposeAsync();
    }
}

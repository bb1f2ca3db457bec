using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.ProcoreClient;
using ProcoreAdmin.Tests.ProcoreSimulator;

namespace ProcoreAdmin.Tests.Integration.ProcoreClientAgainstSimulator;

/// <summary>
/// The real typed client (as <c>AddProcoreClient</c> builds it, real <see cref="SocketsHttpHandler"/>) talking over
/// HTTP to the real simulator on 127.0.0.1 (any free port). One <see cref="TestTime"/> drives both: token expiry,
/// rate-limit windows, Retry-After waits, latency faults and the client's per-attempt timeout.
/// Seed: <see cref="TestSimulator.SmallSeed"/> (Northwind 250 projects; Contoso; Fabrikam without the app; a sandbox app).
/// </summary>
internal sealed class SimulatedProcore : IAsyncDisposable
{
    public const long Northwind = TestSimulator.Northwind;
    public const long Fabrikam = TestSimulator.Fabrikam;
    public const string SandboxPrefix = "_env/developer_sandbox/";

    private readonly ServiceProvider _services;
    private string _secret;

    private SimulatedProcore(SimulatorHost host, TestTime time, SimulatorSeed seed, string secret, string sandboxSecret,
        Action<ProcoreClientOptions>? configure)
    {
        Host = host;
        Time = time;
        Seed = seed;
        _secret = secret;
        SandboxSecret = sandboxSecret;
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddProcoreClient(o =>
        {
            o.RequestTimeout = ClientHarness.RequestTimeout; // TestTime does not report this timer
            o.MaxJitter = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<IProcoreClient>();
        Credential = CredentialFor("cred-prod", TestSimulator.ClientId, () => _secret, Host.BaseAddress, Host.BaseAddress);
    }

    public SimulatorHost Host { get; }

    public SimulatorState State => Host.State;

    public TestTime Time { get; }

    public SimulatorSeed Seed { get; }

    public IProcoreClient Client { get; }

    /// <summary>The production app's credential; its secret provider returns <see cref="Secret"/> at call time.</summary>
    public ProcoreCredential Credential { get; }

    public string Secret
    {
        get => Volatile.Read(ref _secret);
        set => Volatile.Write(ref _secret, value);
    }

    public string SandboxSecret { get; }

    public Uri SandboxBase => new(Host.BaseAddress, SandboxPrefix);

    public static async Task<SimulatedProcore> StartAsync(Action<SimulatorSeed>? seed = null, Action<ProcoreClientOptions>? client = null)
    {
        var secret = "TESTSECRET-" + Guid.NewGuid().ToString("N");
        var sandboxSecret = "TESTSECRET-" + Guid.NewGuid().ToString("N");
        var simulatorSeed = TestSimulator.SmallSeed(secret, sandboxSecret);
        seed?.Invoke(simulatorSeed);
        var time = new TestTime();
        var host = await SimulatorHost.StartAsync(new SimulatorHostOptions
        {
            Url = "http://127.0.0.1:0",
            Seed = simulatorSeed,
            EnvironmentName = "Development",
            TimeProvider = time,
        });
        return new SimulatedProcore(host, time, simulatorSeed, secret, sandboxSecret, client);
    }

    public static ProcoreCredential CredentialFor(string key, string clientId, Func<string> secret, Uri login, Uri api) =>
        new(key, ProcoreEnvironment.Custom, clientId, _ => ValueTask.FromResult(secret()), login, api);

    /// <summary>Requests the simulator answered (control endpoints excluded), in arrival order.</summary>
    public IReadOnlyList<RequestLogEntry> Requests => State.GetRequests();

    public IReadOnlyList<RequestLogEntry> TokenRequests => [.. Requests.Where(r => r.IsTokenRequest)];

    public IReadOnlyList<RequestLogEntry> ApiRequests => [.. Requests.Where(r => r.Path.Contains("/rest/", StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Host.DisposeAsync();
    }
}

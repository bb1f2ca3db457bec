using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

/// <summary>
/// The client as the app builds it (AddProcoreClient), with the stub as primary handler, a <see cref="TestTime"/>,
/// and every log at Trace captured by FakeLogger (including IHttpClientFactory's own logging).
/// </summary>
public sealed class ClientHarness : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(17);

    public const long CompanyId = 598134325694431; // > 2^31, like ids in newer regions

    private readonly ServiceProvider _services;

    public ClientHarness(Action<ProcoreClientOptions>? configure = null, ProcoreEnvironment environment = ProcoreEnvironment.Production,
        Uri? customLogin = null, Uri? customApi = null)
    {
        Time = new TestTime();
        Stub = new StubProcore(Time);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddProcoreClient(o =>
        {
            o.RequestTimeout = RequestTimeout;
            o.MaxJitter = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        services.AddHttpClient(ProcoreAdmin.ProcoreClient.ProcoreClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => Stub);
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<IProcoreClient>();
        Logs = _services.GetFakeLogCollector();
        Credential = new ProcoreCredential("cred-1", environment, "client-" + Guid.NewGuid().ToString("N")[..8],
            _ =>
            {
                Interlocked.Increment(ref _secretReads);
                return ValueTask.FromResult(Secret);
            },
            customLogin, customApi);
    }

    private int _secretReads;

    public TestTime Time { get; }

    public StubProcore Stub { get; }

    public IProcoreClient Client { get; }

    public FakeLogCollector Logs { get; }

    public string Secret { get; } = "TESTSECRET-" + Guid.NewGuid().ToString("N");

    public ProcoreCredential Credential { get; }

    public int SecretReads => Volatile.Read(ref _secretReads);

    /// <summary>Everything that was logged, messages, structured values and exceptions.</summary>
    public string AllLogText => string.Join("\n", Logs.GetSnapshot().Select(r =>
        $"{r.Level} {r.Category} {r.Message} {string.Join(";", r.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])} {r.Exception}"));

    public void Dispose() => _services.Dispose();
}

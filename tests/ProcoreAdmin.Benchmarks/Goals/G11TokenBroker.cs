using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.DevIdentity;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Web.Features.TokenBroker;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G11 — token broker economy and invisible rotation. The real app (Development: DevIdentity with its machine client, the
/// simulator, the demo credential granted to that client) on Kestrel at 127.0.0.1; N = 20 consumers over HTTP.
/// Leg 1: the 20 consumers ask the broker 50 times each at once (1,000 token requests to the broker) → Procore token
/// requests. Leg 2: the 20 consumers (10 per company) call <c>/rest/v1.0/projects</c> every 200 ms (once a second,
/// time-scaled 1/5), on 401 ask the broker again and retry once, through a full rotation driven by the simulator's
/// reset-secret endpoint; the admin pastes the new secret 4 s after the reset (20 s scaled 1/5).
/// </summary>
public sealed class G11TokenBroker : IBenchmarkGoal
{
    private const int Consumers = 20;
    private const int RequestsPerConsumer = 50;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan AdminPasteDelay = TimeSpan.FromSeconds(4);
    private static readonly long[] Companies = [5_000_000_001, 5_000_000_002];

    public string Id => "G11";

    public string Title => "Token broker economy and invisible rotation";

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("procoreadmin-bench-broker-").FullName;
        await using var factory = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseContentRoot(WebContentRoot());
            b.UseSetting("Database:ConnectionString", $"Data Source={Path.Combine(folder, "procoreadmin.db")}");
            b.UseSetting("DataProtection:KeysPath", Path.Combine(folder, "keys"));
            b.UseSetting("DevelopmentCompanions:DevIdentityUrl", "http://127.0.0.1:0");
            b.UseSetting("DevelopmentCompanions:SimulatorUrl", "http://127.0.0.1:0");
            b.UseSetting("Hangfire:ServerEnabled", "false");
            b.UseSetting("TokenBroker:Burst", "5000"); // leg 1 sends 50 requests per consumer at once, all as one client
            b.UseSetting("TokenBroker:PermitsPerMinute", "5000");
            b.UseSetting("TokenBroker:RotationPollInterval", "00:00:00.2");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var app = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var companions = factory.Services.GetRequiredService<DevelopmentCompanions>();
        var simulator = companions.Simulator!;
        simulator.State.Configure(new SimulatorSettings { RateLimits = new RateLimitSeed { Enabled = false } });
        simulator.State.ClearRequests();
        var issuer = new Uri(companions.DevIdentityClient!.Authority);
        using var broker = new HttpClient { BaseAddress = app };

        // Leg 1: 20 consumers x 50 requests at once.
        var jwt = await MachineTokenAsync(issuer, ct);
        var leg1 = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, Consumers).Select(i => Task.Run(async () =>
        {
            var ok = 0;
            for (var r = 0; r < RequestsPerConsumer; r++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/procore-tokens")
                {
                    Content = System.Net.Http.Json.JsonContent.Create(new { company_id = Companies[i % 2] }),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", jwt);
                using var response = await broker.SendAsync(request, ct);
                ok += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }

            return ok;
        }, ct)));
        leg1.Stop();
        var leg1Tokens = simulator.State.GetRequests().Count(r => r.IsTokenRequest);
        var leg1Ok = statuses.Sum();
        context.Detail(Invariant($"leg 1: {leg1Ok}/{Consumers * RequestsPerConsumer} broker answers 200 from {Consumers} consumers in {leg1.Elapsed.TotalSeconds:0.0} s: {leg1Tokens} Procore token request(s) (token lifetime 5,400 s)"));

        // Leg 2: a full rotation under 20 consumer loops.
        simulator.State.ClearRequests();
        var consumers = Enumerable.Range(0, Consumers)
            .Select(i => new BrokerConsumer(new HttpClient { BaseAddress = app }, () => MachineTokenAsync(issuer, ct), Companies[i % 2], Tick))
            .ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = consumers.Select(c => Task.Run(() => c.RunAsync(stop.Token), ct)).ToArray();
        var admin = new StaffActor("benchmark", "admin", "Benchmark Admin", StaffRoles.Admin);
        var run = await Engine(factory, e => e.StartAsync(1, false, "G11", admin, ct));
        await Engine(factory, async e => { await e.PrepareAsync(run, null, admin, ct); return 0; });
        await Engine(factory, async e => { await e.RehearseAsync(run, null, "benchmark", admin, ct); return 0; });
        await Engine(factory, async e => { await e.PauseSchedulesAsync(run, admin, ct); return 0; });
        await WaitUntilAsync(() => consumers.All(c => c.SuccessfulCalls >= 3), ct);
        var tokensBeforeReset = simulator.State.GetRequests().Count(r => r.IsTokenRequest && r.StatusCode == 200);

        var reset = Stopwatch.GetTimestamp();
        var newSecret = await ResetSecretAsync(simulator, ct);
        await Task.Delay(AdminPasteDelay, ct); // the person doing the rotation copies the new secret from the portal
        var tokensBeforePaste = simulator.State.GetRequests().Count(r => r.IsTokenRequest);
        await Engine(factory, async e => { await e.SetPendingSecretAsync(run, newSecret, null, admin, ct); return 0; });
        await Engine(factory, e => e.VerifyPendingAsync(run, admin, ct));
        await Engine(factory, async e => { await e.PromoteAsync(run, admin, ct); return 0; });
        var resetToPromote = Stopwatch.GetElapsedTime(reset);
        await Engine(factory, async e => { await e.CompleteAsync(run, null, admin, ct); return 0; });
        var atPromotion = consumers.Select(c => c.SuccessfulCalls).ToArray();
        await WaitUntilAsync(() => consumers.Select((c, i) => c.SuccessfulCalls >= atPromotion[i] + 3).All(x => x), ct);
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        var requests = simulator.State.GetRequests();
        var tokenOk = requests.Count(r => r.IsTokenRequest && r.StatusCode == 200);
        var tokenRefused = requests.Count(r => r.IsTokenRequest && r.StatusCode != 200);
        var verifyTokens = 1; // the rotation's own check of the pending secret (its own cache slot)
        var newSecretTokens = tokenOk - tokensBeforeReset - verifyTokens;
        var oldSecretTokens = leg1Tokens + tokensBeforeReset; // leg 2 starts with leg 1's cached token
        var calls = consumers.Sum(c => c.Calls);
        var failed = consumers.Sum(c => c.FailedAfterRetry);
        var stall = consumers.Max(c => c.LongestStall);
        var secretSeen = consumers.SelectMany(c => c.BrokerBodies).Count(b => b.Contains(newSecret, StringComparison.Ordinal) || b.Contains("FAKE-procoreadmin-demo-secret", StringComparison.Ordinal));
        context.Detail(Invariant($"leg 2 (x1/5 time scale): {calls} consumer calls from {Consumers} consumers, {consumers.Sum(c => c.Retries)} retried after a 401, {failed} failed after the retry"));
        context.Detail(Invariant($"leg 2: reset→promote {resetToPromote.TotalSeconds:0.00} s (admin pastes after {AdminPasteDelay.TotalSeconds:0} s), longest consumer stall {stall.TotalSeconds:0.00} s"));
        context.Detail(Invariant($"leg 2: Procore token requests: old secret {oldSecretTokens} (leg 1 + leg 2), refused old secret after the reset {tokenRefused} (then waiting), pending-secret verification {verifyTokens}, new secret {newSecretTokens}; token requests before the paste {tokensBeforePaste}"));
        context.Detail(Invariant($"leg 2: consumer configuration changes 0 (consumers hold only the broker URL and their IdP client credentials); broker answers carrying a Procore secret: {secretSeen}"));

        foreach (var c in consumers)
        {
            c.Dispose();
        }

        TryDelete(folder);
        var pass = leg1Tokens == 1 && leg1Ok == Consumers * RequestsPerConsumer && failed == 0 && stall <= resetToPromote + TimeSpan.FromSeconds(1)
                   && oldSecretTokens == 1 && newSecretTokens == 1 && secretSeen == 0;
        return new GoalResult(Id,
            Invariant($"leg 1: {leg1Tokens} token request for {Consumers * RequestsPerConsumer} broker requests from {Consumers} consumers; rotation: {calls} calls, {failed} failed after one retry, longest stall {stall.TotalSeconds:0.00} s vs reset→promote {resetToPromote.TotalSeconds:0.00} s, token requests {oldSecretTokens} old + {newSecretTokens} new, 0 config changes"),
            "1 token request per lifetime; 0 failed; stall <= reset→promote + 1 s; one token per secret; 0 config changes",
            pass);
    }

    private static async Task<T> Engine<T>(WebApplicationFactory<global::Program> factory, Func<RotationEngine, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<RotationEngine>());
    }

    private static async Task<string> MachineTokenAsync(Uri issuer, CancellationToken ct)
    {
        var defaults = new DevIdentityOptions { ClientSecret = "-" };
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(issuer, "connect/token"), new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", defaults.MachineClientId!),
            new("client_secret", defaults.MachineClientSecret),
        ]), ct);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<string> ResetSecretAsync(SimulatorHost simulator, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        using var response = await http.PostAsync("_simulator/apps/procoreadmin-demo-client/reset-secret", null, ct);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return json.RootElement.GetProperty("client_secret").GetString()!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("G11: consumers made no progress for 2 minutes.");
            }

            await Task.Delay(20, ct);
        }
    }

    /// <summary>The web project's folder, as WebApplicationFactory's manifest records it (the benchmark runs from its own bin).</summary>
    private static string WebContentRoot()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
        var roots = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(manifest)) ?? [];
        return roots.TryGetValue(typeof(global::Program).Assembly.FullName!, out var root) && Directory.Exists(root)
            ? root
            : throw new InvalidOperationException($"{manifest} has no existing content root for the web app.");
    }

    private static void TryDelete(string folder)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

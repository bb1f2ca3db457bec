using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Web.Hosting;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Rotation;
using Xunit.Abstractions;

namespace ProcoreAdmin.Tests.Web.Features.TokenBroker;

/// <summary>
/// The proof that a rotation needs no change in any integration: two consumers keep calling Procore (the simulator) through
/// a complete rotation driven by the simulator's reset-secret endpoint, time-scaled (a call every 200 ms instead of every
/// second). No call fails after its one retry, no consumer stalls longer than the reset→promote interval + 1 s, and the
/// broker asks Procore for one token per secret.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RotationInvisibleToConsumersTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    /// <summary>A call every <see cref="Tick"/> is five times a consumer's real pace of one a second.</summary>
    private const int TimeScale = 5;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly BrokerHarness _app = new(new Dictionary<string, string?> { ["TokenBroker:RotationPollInterval"] = "00:00:00.2" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task TwoConsumers_ThroughACompleteRotation_NoFailedCalls_StallWithinResetToPromotePlusOneSecond_OneTokenPerSecret()
    {
        _app.Simulator.State.ClearRequests();

        // Procore's limits are time-scaled with the consumers. Unscaled, two consumers at five calls a second used up the
        // 25-call spike window whenever steps 1-3 took a little longer on a busy machine, and the 429s were counted as failed calls.
        var limits = _app.Simulator.State.GetSettings().RateLimits!;
        limits.Spike *= TimeScale;
        limits.Hourly *= TimeScale;
        _app.Simulator.State.Configure(new SimulatorSettings { RateLimits = limits });
        var consumers = new[]
        {
            new BrokerConsumer(_app.NewClient(), _app.MachineTokenAsync, BrokerHarness.NorthwindId, Tick),
            new BrokerConsumer(_app.NewClient(), _app.MachineTokenAsync, BrokerHarness.ContosoId, Tick),
        };
        using var stop = new CancellationTokenSource();
        var loops = consumers.Select(c => Task.Run(() => c.RunAsync(stop.Token))).ToArray();

        // Steps 1-3 while the consumers work with the current secret.
        var run = await Rotation(r => r.StartAsync(1, "quarterly"));
        await Rotation(async r => { await r.PrepareAsync(run, null); return true; });
        await Rotation(async r => { await r.RehearseAsync(run, null, "no sandbox"); return true; });
        await Rotation(async r => { await r.PauseSchedulesAsync(run); return true; });
        await WaitUntilAsync(() => consumers.All(c => c.SuccessfulCalls >= 3), "consumers working before the reset");

        // Reset in the "Developer Portal": the old secret and every token minted with it die at once.
        var reset = Stopwatch.GetTimestamp();
        var newSecret = await ResetSecretInProcoreAsync();
        await WaitUntilAsync(() => consumers.All(c => c.WaitingForToken), "both consumers hit 401 and wait for the broker");
        var status = await CredentialStatusAsync();

        await Rotation(async r => { await r.SetPendingSecretAsync(run, newSecret, "reset in the portal"); return true; });
        var verification = await Rotation(r => r.VerifyAsync(run));
        Assert.Equal(VerificationOutcome.Ok, verification.Outcome);
        await Rotation(async r => { await r.PromoteAsync(run); return true; });
        var resetToPromote = Stopwatch.GetElapsedTime(reset);
        await Rotation(async r => { await r.CompleteAsync(run, null); return true; });

        var callsAtPromotion = consumers.Select(c => c.SuccessfulCalls).ToArray();
        await WaitUntilAsync(() => consumers.Select((c, i) => c.SuccessfulCalls >= callsAtPromotion[i] + 3).All(x => x), "consumers working after the promotion");
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        var tokenRequests = _app.Simulator.State.GetRequests().Where(r => r.IsTokenRequest).ToList();
        output.WriteLine($"consumer calls: {consumers.Sum(c => c.Calls)}; failed after one retry: {consumers.Sum(c => c.FailedAfterRetry)}; retries: {consumers.Sum(c => c.Retries)}");
        output.WriteLine($"longest stall: {consumers.Max(c => c.LongestStall).TotalMilliseconds:0} ms; reset→promote: {resetToPromote.TotalMilliseconds:0} ms");
        output.WriteLine($"Procore token requests: {tokenRequests.Count(r => r.StatusCode == 200)} issued ({string.Join(", ", tokenRequests.Select(r => r.StatusCode))})");
        output.WriteLine($"status while waiting: {status}");
        var apiStatuses = _app.Simulator.State.GetRequests().Where(r => !r.IsTokenRequest).GroupBy(r => r.StatusCode).OrderBy(g => g.Key).ToList();
        output.WriteLine($"Procore API answers: {string.Join(", ", apiStatuses.Select(g => $"{g.Key}×{g.Count()}"))}");

        // A refused call here would be the simulator's rate limit, not the rotation: say so instead of counting it as a failed call.
        Assert.DoesNotContain(apiStatuses, g => g.Key == 429);

        Assert.All(consumers, c => Assert.Equal(0, c.FailedAfterRetry));
        Assert.All(consumers, c => Assert.True(c.Retries >= 1, "each consumer met the reset"));
        Assert.True(consumers.Max(c => c.LongestStall) <= resetToPromote + TimeSpan.FromSeconds(1),
            $"longest stall {consumers.Max(c => c.LongestStall)} exceeds reset→promote {resetToPromote} + 1 s");

        // One token for the old secret, one for verifying the pending secret, one for the promoted secret: not one per consumer.
        Assert.Equal(3, tokenRequests.Count(r => r.StatusCode == 200));
        // After the reset the broker asks Procore with the old secret at most once per concurrent first report, then waits.
        Assert.InRange(tokenRequests.Count(r => r.StatusCode != 200), 0, 2);

        // The consumers never saw a secret and were never reconfigured: they only ever held broker answers.
        Assert.All(consumers.SelectMany(c => c.BrokerBodies), b =>
        {
            Assert.DoesNotContain(newSecret, b);
            Assert.DoesNotContain(BrokerHarness.DemoSecret, b);
        });
        Assert.Contains("\"rotation\":\"secret_reset\"", status);
        Assert.Contains("\"serving_tokens\":false", status);

        // The blast radius recorded at step 1 lists the consumer.
        await using var db = await _app.Db.CreateDbContextAsync();
        var prepare = await db.RotationSteps.SingleAsync(s => s.RunId == run && s.Number == RotationSteps.Preparation);
        Assert.Contains("procoreadmin-dev-integration", prepare.Evidence);
        Assert.False(_app.AllLogText().Contains(newSecret, StringComparison.Ordinal));
    }

    private async Task<string> ResetSecretInProcoreAsync()
    {
        using var http = new HttpClient { BaseAddress = _app.Simulator.BaseAddress };
        using var response = await http.PostAsync("_simulator/apps/procoreadmin-demo-client/reset-secret", null);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("client_secret").GetString()!;
    }

    private async Task<string> CredentialStatusAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/credential-status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _app.MachineTokenAsync());
        using var response = await _app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private Task<T> Rotation<T>(Func<RotationService, Task<T>> action) => _app.AsAdminAsync(action);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > Deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}

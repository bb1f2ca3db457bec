using System.Diagnostics;
using System.Globalization;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G1 — token economy. Leg 1: 1,000 API calls from 20 concurrent callers with 5,400 s tokens → exactly 1 token request.
/// Leg 2: short-lived tokens for a whole run → token requests ≤ ⌈run / (lifetime − skew)⌉ + 1 and no 401 from expiry.
/// Leg 2 is time-scaled by 1/5 (12 s tokens, 36 s run for the bar's 60 s / 180 s) on the real clock; the bound is the
/// same (5) because both terms scale.
/// </summary>
public sealed class G1TokenEconomy : IBenchmarkGoal
{
    private const int Callers = 20;
    private const int Leg1Calls = 1_000;
    private const int TimeScale = 5;
    private const int Leg2LifetimeSeconds = 60 / TimeScale;
    private const int Leg2RunSeconds = 180 / TimeScale;

    public string Id => "G1";

    public string Title => "Token economy";

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var sim = await context.GetSimulatorAsync(ct);
        var noLimits = new RateLimitSeed { Enabled = false };

        // Leg 1: 5,400 s tokens, 1,000 calls from 20 callers, fresh client (empty cache).
        sim.Reset();
        sim.State.Configure(new SimulatorSettings { TokenLifetimeSeconds = 5400, RateLimits = noLimits });
        await using (var leg1 = BenchmarkSimulator.CreateClient())
        {
            var credential = sim.Credential("g1-leg1");
            var watch = Stopwatch.StartNew();
            var perCaller = Leg1Calls / Callers;
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < perCaller; i++)
                {
                    await leg1.Client.GetMeAsync(credential, BenchmarkSimulator.CompanyId, ct);
                }
            }, ct)));
            watch.Stop();
            var stats = sim.State.GetStats();
            context.Detail(Invariant($"leg 1: {stats.ApiRequests} API calls from {Callers} callers in {watch.Elapsed.TotalSeconds:0.00} s, 5400 s tokens: {stats.TokenRequests} token request(s), {stats.Status401} x 401"));
        }

        var leg1Stats = sim.State.GetStats();
        var leg1Tokens = leg1Stats.TokenRequests;
        var leg1Ok = leg1Tokens == 1 && leg1Stats.ApiRequests == Leg1Calls && leg1Stats.Status401 == 0;

        // Leg 2: 12 s tokens for a 36 s run (x1/5 of 60 s / 180 s); callers keep calling with a short pause.
        sim.Reset();
        sim.State.Configure(new SimulatorSettings { TokenLifetimeSeconds = Leg2LifetimeSeconds, RateLimits = noLimits });
        var options = new ProcoreClientOptions();
        var skew = TimeSpan.FromTicks(Math.Min(options.TokenRefreshSkew.Ticks,
            (long)(TimeSpan.FromSeconds(Leg2LifetimeSeconds).Ticks * options.MaxTokenRefreshSkewFraction)));
        var bound = (int)Math.Ceiling(Leg2RunSeconds / (Leg2LifetimeSeconds - skew.TotalSeconds)) + 1;
        long calls = 0;
        long failures = 0;
        await using (var leg2 = BenchmarkSimulator.CreateClient())
        {
            var credential = sim.Credential("g1-leg2");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            stop.CancelAfter(TimeSpan.FromSeconds(Leg2RunSeconds));
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await leg2.Client.GetMeAsync(credential, BenchmarkSimulator.CompanyId, stop.Token);
                        Interlocked.Increment(ref calls);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        break;
                    }
                    catch (ProcoreApiException)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    try
                    {
                        await Task.Delay(100, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }, CancellationToken.None)));
        }

        var leg2Stats = sim.State.GetStats();
        var expiry401 = sim.State.GetRequests().Count(r => r.StatusCode == 401);
        context.Detail(Invariant($"leg 2 (time-scaled x1/{TimeScale}): {Leg2LifetimeSeconds} s tokens (bar: 60 s), {Leg2RunSeconds} s run (bar: 180 s), client skew {skew.TotalSeconds:0.0} s (min(5 min, 20% of lifetime); unscaled 12 s)"));
        context.Detail(Invariant($"leg 2: {calls} successful calls, {failures} failed, {leg2Stats.TokenRequests} token requests (bound ceil({Leg2RunSeconds}/({Leg2LifetimeSeconds}-{skew.TotalSeconds:0.0}))+1 = {bound}), {expiry401} x 401"));
        var leg2Ok = leg2Stats.TokenRequests <= bound && expiry401 == 0 && failures == 0 && calls > 0;

        return new GoalResult(Id,
            Invariant($"leg 1: {leg1Tokens} token request for {leg1Stats.ApiRequests} calls/{Callers} callers; leg 2 (x1/{TimeScale}): {leg2Stats.TokenRequests} token requests, {expiry401} expiry 401s, {failures} failed calls"),
            Invariant($"leg 1 = 1; leg 2 <= {bound} and 401s = 0"),
            leg1Ok && leg2Ok);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

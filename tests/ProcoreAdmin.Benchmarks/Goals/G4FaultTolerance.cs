using System.Diagnostics;
using System.Globalization;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G4 — fault tolerance without amplification. The 10,000-project listing once fault-free (the reference count and id
/// set), then with the simulator injecting 5% 503 (Retry-After: 1) and one 429 per 50 requests on every request
/// (token endpoint included). Bars: 0 missing or duplicated projects, total requests ≤ 1.10 x fault-free, and no retry of
/// a non-idempotent POST: 10 token revocations (POST /oauth/revoke) answered 503 or 429 must reach the simulator
/// exactly 10 times.
/// </summary>
public sealed class G4FaultTolerance : IBenchmarkGoal
{
    private const int Revocations = 10;

    public string Id => "G4";

    public string Title => "Fault tolerance without amplification";

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var sim = await context.GetSimulatorAsync(ct);
        sim.Reset();
        sim.State.Configure(new SimulatorSettings { RateLimits = new RateLimitSeed { Enabled = false } });
        var query = new ProjectQuery { Status = ProjectStatusFilter.All, PerPage = 100 };

        // Reference: fault-free.
        List<long> reference;
        await using (var clean = BenchmarkSimulator.CreateClient())
        {
            reference = await ListAsync(clean.Client, sim.Credential("g4-reference"), query, ct);
        }

        var faultFree = sim.State.GetRequests().Count;
        var expected = reference.ToHashSet();

        // Faulty run: fresh client, so its token request is exposed to the faults too.
        sim.State.ClearRequests();
        sim.State.ResetStats();
        sim.State.SetFaults(new FaultConfiguration
        {
            Seed = 7,
            Faults =
            [
                new FaultRule { Kind = FaultKind.ServiceUnavailable, Rate = 0.05, RetryAfterSeconds = 1 },
                new FaultRule { Kind = FaultKind.TooManyRequests, Every = 50, RetryAfterSeconds = 1 },
            ],
        });
        List<long> got;
        var watch = Stopwatch.StartNew();
        await using (var faulty = BenchmarkSimulator.CreateClient())
        {
            got = await ListAsync(faulty.Client, sim.Credential("g4-faulty"), query, ct);
        }

        watch.Stop();
        var log = sim.State.GetRequests();
        var total = log.Count;
        var injected503 = log.Count(r => r.StatusCode == 503);
        var injected429 = log.Count(r => r.StatusCode == 429);
        var missing = expected.Except(got).Count();
        var duplicates = got.Count - got.Distinct().Count();
        var extra = got.Distinct().Count(id => !expected.Contains(id));
        var ratio = total / (double)faultFree;
        context.Detail(Invariant($"fault-free: {faultFree} requests, {reference.Count} projects"));
        context.Detail(Invariant($"faulty: {total} requests ({injected503} x 503, {injected429} x 429 injected; {log.Count(r => r.IsTokenRequest)} token requests) in {watch.Elapsed.TotalSeconds:0.0} s = {(total - faultFree) / (double)Math.Max(1, injected503 + injected429):0.00} extra request per injected fault; {got.Count} projects, {missing} missing, {duplicates} duplicated, {extra} unexpected"));

        // Non-idempotent POSTs: every revocation fails with 503 or 429 and must not be retried.
        sim.State.ClearFaults();
        sim.State.ClearRequests();
        sim.State.SetFaults(new FaultConfiguration
        {
            Faults =
            [
                new FaultRule { Kind = FaultKind.ServiceUnavailable, Every = 2, RetryAfterSeconds = 1, PathPrefix = "/oauth/revoke" },
                new FaultRule { Kind = FaultKind.TooManyRequests, Rate = 1, RetryAfterSeconds = 1, PathPrefix = "/oauth/revoke" },
            ],
        });
        var revokeFailures = new Dictionary<ProcoreErrorKind, int>();
        await using (var revoker = BenchmarkSimulator.CreateClient())
        {
            var credential = sim.Credential("g4-revoke");
            for (var i = 0; i < Revocations; i++)
            {
                await revoker.Client.AcquireTokenAsync(credential, ct);
                try
                {
                    await revoker.Client.RevokeAsync(credential, ct);
                }
                catch (ProcoreApiException ex)
                {
                    revokeFailures[ex.Kind] = revokeFailures.GetValueOrDefault(ex.Kind) + 1;
                }
            }
        }

        var revokeRequests = sim.State.GetRequests().Where(r => r.Path.EndsWith("/oauth/revoke", StringComparison.Ordinal)).ToList();
        var postRetries = revokeRequests.Count - Revocations;
        context.Detail(Invariant($"revocations: {Revocations} calls, {revokeRequests.Count} POST /oauth/revoke requests ({string.Join(", ", revokeRequests.GroupBy(r => r.StatusCode).Select(g => $"{g.Count()} x {g.Key}"))}); client errors: {string.Join(", ", revokeFailures.Select(kv => $"{kv.Value} {kv.Key}"))}"));

        var pass = missing == 0 && duplicates == 0 && extra == 0 && ratio <= 1.10 && postRetries == 0
                   && revokeFailures.Values.Sum() == Revocations;
        return new GoalResult(Id,
            Invariant($"{missing} missing, {duplicates} duplicated of {expected.Count}; requests {total}/{faultFree} = {ratio:0.00}x fault-free ({injected503} x 503, {injected429} x 429); POST retries {postRetries}"),
            "0 missing/duplicated, <= 1.10x, POST retries = 0",
            pass);
    }

    private static async Task<List<long>> ListAsync(IProcoreClient client, ProcoreCredential credential, ProjectQuery query, CancellationToken ct)
    {
        var ids = new List<long>(BenchmarkSimulator.ProjectCount);
        await foreach (var project in client.GetAllProjectsAsync(credential, BenchmarkSimulator.CompanyId, query, ct: ct))
        {
            ids.Add(project.Id);
        }

        return ids;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G2 — client overhead vs a bare HttpClient. Lists all 10,000 projects (100 pages x 100, rate limits off) once through
/// the typed client and once through a hand-written HttpClient loop on the same SocketsHttpHandler settings that
/// deserializes into an equivalent DTO. Each leg uses a fresh client (empty token cache, empty connection pool) and
/// includes the token request. Legs alternate over several rounds after a warm-up; medians are compared.
/// The simulator runs in a child process here so that GC.GetTotalAllocatedBytes counts client allocations only.
/// </summary>
public sealed class G2ClientOverhead : IBenchmarkGoal
{
    private const int WarmupRounds = 5;
    private const int Rounds = 15;
    private const int PerPage = 100;

    /// <summary>Both legs page sequentially (GetAllProjectsAsync walks pages one after another).</summary>
    private const int ConfiguredConcurrency = 1;

    public string Id => "G2";

    public string Title => "Client overhead vs raw HttpClient";

    private sealed record Leg(TimeSpan Wall, TimeSpan Cpu, long Bytes, long Connections, long Requests, int Items, long IdSum);

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var seed = BenchmarkSimulator.CreateSeed("FAKE-BENCHSECRET-" + Guid.NewGuid().ToString("N"));
        seed.RateLimits = new RateLimitSeed { Enabled = false };
        var secret = seed.Apps[0].ClientSecret;
        await using var child = await ChildSimulator.StartAsync(seed, ct);
        context.Detail($"simulator in a child process at {child.BaseAddress} (rate limits off), {BenchmarkSimulator.ProjectCount} projects, per_page {PerPage}");

        for (var i = 0; i < WarmupRounds; i++)
        {
            await TypedLegAsync(child, secret, ct);
            await RawLegAsync(child, secret, ct);
        }

        var typed = new List<Leg>();
        var raw = new List<Leg>();
        for (var round = 0; round < Rounds; round++)
        {
            if (round % 2 == 0)
            {
                typed.Add(await TypedLegAsync(child, secret, ct));
                raw.Add(await RawLegAsync(child, secret, ct));
            }
            else
            {
                raw.Add(await RawLegAsync(child, secret, ct));
                typed.Add(await TypedLegAsync(child, secret, ct));
            }

            context.Detail(Invariant($"round {round + 1}: typed {Describe(typed[^1])} | raw {Describe(raw[^1])} | wall ratio {typed[^1].Wall / raw[^1].Wall:0.00}"));
        }

        var consistent = typed.Concat(raw).All(l => l.Items == BenchmarkSimulator.ProjectCount && l.IdSum == typed[0].IdSum);
        var requests = typed.Concat(raw).Select(l => l.Requests).Distinct().ToList();
        // Wall time: median of the per-round paired ratios (each round runs both legs back to back, so a burst of load
        // from other processes on the shared box hits one round rather than one leg); ratio of medians shown too.
        var wallRatio = Median(typed.Zip(raw, (t, r) => t.Wall / r.Wall));
        var typedWall = Median(typed.Select(l => l.Wall.TotalMilliseconds));
        var rawWall = Median(raw.Select(l => l.Wall.TotalMilliseconds));
        var cpuRatio = Median(typed.Select(l => l.Cpu.TotalMilliseconds)) / Median(raw.Select(l => l.Cpu.TotalMilliseconds));
        var typedBytes = Median(typed.Select(l => (double)l.Bytes));
        var rawBytes = Median(raw.Select(l => (double)l.Bytes));
        var bytesRatio = typedBytes / rawBytes;
        var typedConnections = typed.Max(l => l.Connections);
        var rawConnections = raw.Max(l => l.Connections);
        context.Detail(Invariant($"medians of {Rounds}: typed {typedWall:0} ms wall, {Median(typed.Select(l => l.Cpu.TotalMilliseconds)):0} ms CPU, {typedBytes / 1024 / 1024:0.00} MB; raw {rawWall:0} ms wall, {Median(raw.Select(l => l.Cpu.TotalMilliseconds)):0} ms CPU, {rawBytes / 1024 / 1024:0.00} MB"));
        var bestOf = typed.Min(l => l.Wall) / raw.Min(l => l.Wall);
        context.Detail(Invariant($"wall ratio of medians {typedWall / rawWall:0.00}x, of best-of-{Rounds} {bestOf:0.00}x; harness-process CPU ratio {cpuRatio:0.00}x; requests per leg {string.Join("/", requests)}; every leg returned {BenchmarkSimulator.ProjectCount} projects with the same ids: {consistent}; load average now {Machine.LoadAverage()}"));

        var pass = wallRatio <= 1.10 && bytesRatio <= 1.5 && typedConnections <= ConfiguredConcurrency && consistent;
        return new GoalResult(Id,
            Invariant($"wall {wallRatio:0.00}x raw (CPU {cpuRatio:0.00}x), bytes {bytesRatio:0.00}x raw, TCP connections {typedConnections} (raw {rawConnections}) per 101-request leg"),
            Invariant($"wall <= 1.10x, bytes <= 1.5x, connections <= {ConfiguredConcurrency} (concurrency)"),
            pass);
    }

    private static async Task<Leg> TypedLegAsync(ChildSimulator child, string secret, CancellationToken ct)
    {
        await using var typed = BenchmarkSimulator.CreateClient();
        var credential = BenchmarkSimulator.CredentialFor("g2-typed", secret, child.BaseAddress);
        var query = new ProjectQuery { Status = ProjectStatusFilter.All, PerPage = PerPage };
        return await MeasureAsync(child, async () =>
        {
            var items = 0;
            long idSum = 0;
            await foreach (var project in typed.Client.GetAllProjectsAsync(credential, BenchmarkSimulator.CompanyId, query, ct: ct))
            {
                items++;
                idSum += project.Id;
            }

            return (items, idSum);
        }, ct);
    }

    /// <summary>What a developer would write without the typed client: token, then page until Total is reached.</summary>
    private static async Task<Leg> RawLegAsync(ChildSimulator child, string secret, CancellationToken ct)
    {
        // Same settings as AddProcoreClient's primary handler (ProcoreClientServiceCollectionExtensions.CreatePrimaryHandler).
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = new ProcoreClientOptions().PooledConnectionLifetime,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
        };
        using var http = new HttpClient(handler) { BaseAddress = child.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var company = BenchmarkSimulator.CompanyId.ToString(CultureInfo.InvariantCulture);
        return await MeasureAsync(child, async () =>
        {
            string accessToken;
            using (var tokenResponse = await http.PostAsync("oauth/token", new FormUrlEncodedContent(
                   [
                       new("grant_type", "client_credentials"),
                       new("client_id", BenchmarkSimulator.ClientId),
                       new("client_secret", secret),
                   ]), ct))
            {
                tokenResponse.EnsureSuccessStatusCode();
                var token = await tokenResponse.Content.ReadFromJsonAsync(RawJsonContext.Default.RawToken, ct);
                accessToken = token?.AccessToken ?? throw new InvalidOperationException("No access token.");
            }

            var items = 0;
            long idSum = 0;
            for (var page = 1; ; page++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get,
                    $"rest/v1.1/projects?company_id={company}&page={page}&per_page={PerPage}&filters%5Bby_status%5D=All");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
                request.Headers.Add("Procore-Company-Id", company);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                var list = await JsonSerializer.DeserializeAsync(stream, RawJsonContext.Default.ListRawProject, ct) ?? [];
                foreach (var project in list)
                {
                    items++;
                    idSum += project.Id;
                }

                var total = response.Headers.TryGetValues("Total", out var values) ? long.Parse(values.First(), CultureInfo.InvariantCulture) : 0;
                if (list.Count == 0 || (long)page * PerPage >= total)
                {
                    break;
                }
            }

            return (items, idSum);
        }, ct);
    }

    private static async Task<Leg> MeasureAsync(ChildSimulator child, Func<Task<(int Items, long IdSum)>> leg, CancellationToken ct)
    {
        await child.ResetStatsAsync(ct);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var (items, idSum) = await leg();
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        var stats = await child.GetStatsAsync(ct);
        return new Leg(watch.Elapsed, cpu, bytes, stats.ConnectionsAccepted, stats.Requests, items, idSum);
    }

    private static string Describe(Leg leg) =>
        Invariant($"{leg.Wall.TotalMilliseconds:0} ms wall {leg.Cpu.TotalMilliseconds:0} ms CPU {leg.Bytes / 1024.0 / 1024:0.00} MB {leg.Connections} conn");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

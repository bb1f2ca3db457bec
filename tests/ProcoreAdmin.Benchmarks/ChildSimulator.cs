using System.Diagnostics;
using System.Text.Json;
using ProcoreAdmin.ProcoreSimulator;

namespace ProcoreAdmin.Benchmarks;

/// <summary>
/// The simulator in a child process (this same executable, started with <see cref="Argument"/>). G2 uses it so that
/// <c>GC.GetTotalAllocatedBytes</c> in the harness process counts the client's allocations only, not the server's
/// (an in-process simulator allocates as much per response as the client does reading it, and would dilute the ratio).
/// Control goes through the simulator's HTTP control endpoints.
/// </summary>
public sealed class ChildSimulator : IAsyncDisposable
{
    public const string Argument = "--child-simulator";
    private const string ReadyPrefix = "SIMULATOR-READY ";

    private readonly Process _process;
    private readonly HttpClient _control;

    private ChildSimulator(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        // One long-lived connection for control calls, opened before any measurement, so it is not counted in a leg.
        _control = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
        };
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the child with <paramref name="seed"/> on 127.0.0.1 (any free port).</summary>
    public static async Task<ChildSimulator> StartAsync(SimulatorSeed seed, CancellationToken ct)
    {
        var seedPath = Path.Combine(Path.GetTempPath(), $"procoreadmin-bench-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seedPath, seed.ToJson(), ct);
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var start = new ProcessStartInfo(processPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ChildSimulator).Assembly.Location);
        }

        start.ArgumentList.Add(Argument);
        start.ArgumentList.Add(seedPath);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child simulator.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                           ?? throw new InvalidOperationException($"The child simulator exited (code {(process.HasExited ? process.ExitCode : -1)}).");
                if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
                {
                    var child = new ChildSimulator(process, new Uri(line[ReadyPrefix.Length..]));
                    await child.ResetStatsAsync(ct); // opens the control connection
                    return child;
                }
            }
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
        finally
        {
            File.Delete(seedPath);
        }
    }

    /// <summary>Counters since the last reset (<c>GET /_simulator/stats</c>).</summary>
    public async Task<SimulatorStats> GetStatsAsync(CancellationToken ct)
    {
        var json = await _control.GetStringAsync("_simulator/stats", ct);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new SimulatorStats(
            root.GetProperty("requests").GetInt64(),
            root.GetProperty("token_requests").GetInt64(),
            root.GetProperty("api_requests").GetInt64(),
            root.GetProperty("rate_limited").GetInt64(),
            root.GetProperty("status_429").GetInt64(),
            root.GetProperty("status_401").GetInt64(),
            root.GetProperty("faults_injected").GetInt64(),
            root.GetProperty("connections_accepted").GetInt64(),
            root.GetProperty("active_tokens").GetInt64(),
            new Dictionary<int, long>());
    }

    public async Task ResetStatsAsync(CancellationToken ct)
    {
        using var response = await _control.DeleteAsync("_simulator/stats", ct);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        try
        {
            _process.StandardInput.Close(); // the child stops when its stdin closes
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>Child side: run the simulator until stdin closes.</summary>
    internal static async Task<int> RunAsync(string seedPath)
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorHostOptions
        {
            Url = "http://127.0.0.1:0",
            SeedPath = seedPath,
            EnvironmentName = "Development",
        });
        Console.WriteLine(ReadyPrefix + host.BaseAddress);
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        return 0;
    }
}

namespace ProcoreAdmin.Benchmarks;

/// <summary>What the runner gives every goal: output for detail lines and shared, lazily started fixtures.</summary>
public sealed class BenchmarkContext : IAsyncDisposable
{
    private readonly TextWriter _out;
    private BenchmarkSimulator? _simulator;

    public BenchmarkContext(TextWriter output) => _out = output;

    /// <summary>Prints an indented detail line under the goal currently running.</summary>
    public void Detail(string text)
    {
        lock (_out)
        {
            _out.WriteLine("      " + text);
        }
    }

    /// <summary>
    /// The in-process ProcoreSimulator on 127.0.0.1 with the 10,000-project company, started on first use and shared by
    /// all goals. The runner calls <see cref="BenchmarkSimulator.Reset"/> after every goal (seed settings, no faults,
    /// empty log, zero counters), so a goal may reconfigure it freely.
    /// </summary>
    public async Task<BenchmarkSimulator> GetSimulatorAsync(CancellationToken ct)
    {
        return _simulator ??= await BenchmarkSimulator.StartAsync(ct);
    }

    internal void AfterGoal() => _simulator?.Reset();

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }
}

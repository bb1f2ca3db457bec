using ProcoreAdmin.Benchmarks.Goals;

namespace ProcoreAdmin.Benchmarks;

/// <summary>
/// The performance goals (G1–G11), measured side by side in one run:
/// <c>dotnet run -c Release --project tests/ProcoreAdmin.Benchmarks [-- --goal G2 [--goal G3]] [--list]</c>.
/// Prints one line per goal (figure, bar, PASS/FAIL). Exit code 0 when every goal was measured (even if a bar was
/// missed), 2 when the harness crashed, 64 for bad arguments.
/// </summary>
public static class Program
{
    /// <summary>Every goal, in run order. Add new goals here (no assembly scanning).</summary>
    public static IReadOnlyList<IBenchmarkGoal> Goals { get; } =
    [
        new G1TokenEconomy(),
        new G2ClientOverhead(),
        new G3RateLimitCompliance(),
        new G3bSharedRollingQuota(),
        new G4FaultTolerance(),
        new G5MemoryPerCircuit(),
        new G6GridInteractionLatency(),
        new G7PrerenderNoDoubleWork(),
        new LineGoal("G8", "Rotation-reminder scan", "scan <= 3 SQL, 0 decryptions, <= 300 ms; 1,000 reminders <= 2 writes; naive ratios >= 1,000:1 and >= 10x", G8ReminderScanGoal.RunAsync),
        new LineGoal("G10", "Background jobs", "run-now p95 <= 1 s; 0 duplicates and 0 'database is locked' over 60 shared scans; idle <= 120 commands/min", G10BackgroundJobsGoal.RunAsync),
        new G11TokenBroker(),
    ];

    public static async Task<int> Main(string[] args)
    {
        if (args is [ChildSimulator.Argument, var seedPath])
        {
            return await ChildSimulator.RunAsync(seedPath);
        }

        var selected = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--goal" or "-g" when i + 1 < args.Length:
                    selected.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--list":
                    foreach (var goal in Goals)
                    {
                        Console.WriteLine($"{goal.Id,-4}{goal.Title}");
                    }

                    return 0;
                default:
                    return Usage($"Unknown argument '{args[i]}'.");
            }
        }

        var unknown = selected.Where(id => !Goals.Any(g => g.Id.Equals(id, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            return Usage($"Unknown goal(s): {string.Join(", ", unknown)}.");
        }

        var goals = selected.Count == 0
            ? Goals
            : [.. Goals.Where(g => selected.Any(id => g.Id.Equals(id, StringComparison.OrdinalIgnoreCase)))];

#if DEBUG
        Console.WriteLine("WARNING: Debug build. Run with -c Release for meaningful figures.");
#endif
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await BenchmarkRunner.RunAsync(goals, Console.Out, cancel.Token) ? 0 : 2;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.WriteLine("Cancelled.");
            return 2;
        }
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine(error);
        Console.Error.WriteLine("Usage: ProcoreAdmin.Benchmarks [--goal G1[,G2…]]… [--list]");
        Console.Error.WriteLine("Goals: " + string.Join(", ", Goals.Select(g => g.Id)));
        return 64;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace ProcoreAdmin.Benchmarks;

/// <summary>Runs the selected goals one after another and prints one result line per goal.</summary>
public static class BenchmarkRunner
{
    /// <summary>Line format: <c>G1  &lt;figure&gt;  bar &lt;bar&gt;  PASS|FAIL</c>.</summary>
    public static string Format(GoalResult result) =>
        $"{result.Goal,-4}{result.Figure}  bar {result.Bar}  {(result.Pass ? "PASS" : "FAIL")}";

    /// <summary>Returns false when a goal crashed (the harness failed, not the goal's bar).</summary>
    public static async Task<bool> RunAsync(IReadOnlyList<IBenchmarkGoal> goals, TextWriter output, CancellationToken ct)
    {
        var results = new List<GoalResult>();
        var crashed = false;
        var total = Stopwatch.StartNew();
        output.WriteLine($"ProcoreAdmin benchmarks: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {Machine.LoadAverage()} at start");
        await using (var context = new BenchmarkContext(output))
        {
            foreach (var goal in goals)
            {
                output.WriteLine($"--- {goal.Id} {goal.Title}");
                var watch = Stopwatch.StartNew();
                GoalResult result;
                try
                {
                    result = await goal.RunAsync(context, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    crashed = true;
                    output.WriteLine(ex.ToString());
                    result = new GoalResult(goal.Id, $"harness error: {ex.GetType().Name}: {ex.Message}", "(not measured)", false);
                }
                finally
                {
                    context.AfterGoal();
                }

                context.Detail(string.Create(CultureInfo.InvariantCulture, $"({goal.Id} took {watch.Elapsed.TotalSeconds:0.0} s)"));
                output.WriteLine(Format(result));
                results.Add(result);
            }
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"=== Summary ({total.Elapsed.TotalSeconds:0} s, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {Machine.LoadAverage()} at end)"));
        foreach (var result in results)
        {
            output.WriteLine(Format(result));
        }

        return !crashed;
    }
}

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// Adapts a goal that prints one line per figure (G8, G10: each has several bars) to <see cref="IBenchmarkGoal"/>:
/// its lines go to the detail output and the result passes only when every printed bar passed.
/// </summary>
public sealed class LineGoal(string id, string title, string bar, Func<TextWriter, Task<bool>> run) : IBenchmarkGoal
{
    public string Id => id;

    public string Title => title;

    public async Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        using var lines = new StringWriter();
        var pass = await run(lines);
        foreach (var line in lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            context.Detail(line);
        }

        var failed = lines.ToString().Split('\n').Count(l => l.TrimEnd().EndsWith("FAIL", StringComparison.Ordinal));
        return new GoalResult(id, pass ? "every figure above met its bar" : $"{failed} figure(s) above missed their bar", bar, pass);
    }
}

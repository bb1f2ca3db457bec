namespace ProcoreAdmin.Benchmarks;

/// <summary>
/// One performance goal (G1, G2, …). To add a goal: put a class in <c>Goals/</c> named after
/// the goal (e.g. <c>G5MemoryPerCircuit</c>) and add one instance to <see cref="Program.Goals"/> — there is no scanning.
/// </summary>
/// <remarks>
/// A goal measures everything it needs in <see cref="RunAsync"/> and returns one <see cref="GoalResult"/>; the runner
/// prints it as one line. Intermediate figures (per leg, per round) go to <see cref="BenchmarkContext.Detail"/>.
/// Throw only when the harness itself breaks (the runner then prints FAIL with the error and exits non-zero); a goal
/// that is measured and missed returns <c>Pass = false</c>. Figures should be ratios or counts (2-core CI box, other
/// work running), and any time scaling must be stated in the figure or a detail line.
/// </remarks>
public interface IBenchmarkGoal
{
    /// <summary>"G1" … "G10": what <c>--goal</c> matches (case-insensitive).</summary>
    string Id { get; }

    /// <summary>Short title, e.g. "Token economy".</summary>
    string Title { get; }

    Task<GoalResult> RunAsync(BenchmarkContext context, CancellationToken ct);
}

/// <summary>What one goal measured.</summary>
/// <param name="Goal">The goal id ("G3").</param>
/// <param name="Figure">What was measured, e.g. "429s 0, requests 100 list + 1 token, elapsed 3.41 s = 0.85x min".</param>
/// <param name="Bar">The goal's bar, e.g. "429s = 0, 100 + 1, <= 1.2x".</param>
/// <param name="Pass">Whether every part of the bar was met.</param>
public sealed record GoalResult(string Goal, string Figure, string Bar, bool Pass);

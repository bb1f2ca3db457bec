namespace ProcoreAdmin.ProcoreClient;

/// <summary>
/// How long one client call may spend waiting (rate-limit pauses, 429 resets, back-off) before it fails. Interactive
/// calls get <see cref="ProcoreClientOptions.InteractiveTimeBudget"/> (seconds); long jobs such as exports wrap their
/// calls in <c>using (ProcoreTimeBudget.Begin(options.ExportTimeBudget)) { … }</c> to get minutes. The scope flows with
/// the async context, so it applies to every call made inside it.
/// </summary>
public static class ProcoreTimeBudget
{
    private static readonly AsyncLocal<TimeSpan?> CurrentBudget = new();

    /// <summary>The budget of calls in this async context, or null for the interactive default.</summary>
    public static TimeSpan? Current => CurrentBudget.Value;

    public static IDisposable Begin(TimeSpan budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, TimeSpan.Zero);
        var previous = CurrentBudget.Value;
        CurrentBudget.Value = budget;
        return new Scope(previous);
    }

    private sealed class Scope(TimeSpan? previous) : IDisposable
    {
        public void Dispose() => CurrentBudget.Value = previous;
    }
}

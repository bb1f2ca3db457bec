using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace ProcoreAdmin.Tests.ProcoreClient;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer the client creates (Task.Delay waits), so a test can
/// advance the clock exactly when the client is waiting — no real sleeps and no racing the clock.
/// </summary>
public sealed class TestTime : FakeTimeProvider
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Each reported timer: its length and the moment it fires (when it was created + its length).</summary>
    private readonly Channel<(TimeSpan DueTime, DateTimeOffset FiresAt)> _timers = Channel.CreateUnbounded<(TimeSpan, DateTimeOffset)>();

    public TestTime()
        : base(Epoch)
    {
    }

    /// <summary>Timers with this due time (the per-attempt request timeout) are not reported.</summary>
    public TimeSpan IgnoredDueTime { get; set; } = ClientHarness.RequestTimeout;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != IgnoredDueTime && dueTime != Timeout.InfiniteTimeSpan && dueTime > TimeSpan.Zero)
        {
            _timers.Writer.TryWrite((dueTime, GetUtcNow() + dueTime));
        }

        return timer;
    }

    /// <summary>Waits (real time, bounded) until the client starts a delay, and returns its length.</summary>
    public async Task<TimeSpan> NextDelayAsync() =>
        (await _timers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15))).DueTime;

    public bool HasPendingDelay => _timers.Reader.Count > 0;

    /// <summary>Advances the clock through each delay the client starts until <paramref name="task"/> completes: to the
    /// moment the delay fires (so concurrent callers waiting for the same moment do not add their waits up). Returns the
    /// delays seen, in order.</summary>
    public async Task<IReadOnlyList<TimeSpan>> RunUntilCompleteAsync(Task task, int maxDelays = 50)
    {
        var waits = new List<TimeSpan>();
        while (true)
        {
            if (_timers.Reader.TryRead(out var timer))
            {
                waits.Add(timer.DueTime);
                if (waits.Count > maxDelays)
                {
                    throw new InvalidOperationException($"More than {maxDelays} delays: the client is looping.");
                }

                if (timer.FiresAt > GetUtcNow())
                {
                    Advance(timer.FiresAt - GetUtcNow());
                }

                continue;
            }

            if (task.IsCompleted)
            {
                await task;
                return waits;
            }

            var ready = _timers.Reader.WaitToReadAsync().AsTask();
            await Task.WhenAny(task, ready).WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    public async Task<(T Result, IReadOnlyList<TimeSpan> Waits)> RunUntilCompleteAsync<T>(Task<T> task, int maxDelays = 50)
    {
        var waits = await RunUntilCompleteAsync((Task)task, maxDelays);
        return (await task, waits);
    }
}

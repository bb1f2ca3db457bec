using System.Globalization;

namespace ProcoreAdmin.Benchmarks.WebApp;

/// <summary>
/// Samples the thread pool's queue (<see cref="ThreadPool.PendingWorkItemCount"/>, the value behind
/// <c>dotnet.thread_pool.queue.length</c>) every 100 ms while running, so G5/G6 show whether the 2-core thread pool was starved.
/// </summary>
public sealed class ThreadPoolSampler : IAsyncDisposable
{
    private readonly List<long> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ThreadPoolSampler()
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    lock (_samples)
                    {
                        _samples.Add(ThreadPool.PendingWorkItemCount);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        });
    }

    public async Task<string> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        lock (_samples)
        {
            if (_samples.Count == 0)
            {
                return "thread-pool queue: no samples";
            }

            var sorted = _samples.Order().ToList();
            return string.Create(CultureInfo.InvariantCulture,
                $"thread-pool queue length (100 ms samples, n={sorted.Count}): mean {sorted.Average():0.0}, p95 {Stats.Percentile(sorted, 0.95):0}, max {sorted[^1]}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}

public static class Stats
{
    /// <summary>Nearest-rank percentile of an ascending list (p in 0..1).</summary>
    public static double Percentile<T>(IReadOnlyList<T> sorted, double p)
        where T : IConvertible
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)].ToDouble(CultureInfo.InvariantCulture);
    }
}

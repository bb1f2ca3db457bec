using System.Collections.Concurrent;

namespace ProcoreAdmin.ProcoreSimulator.RateLimiting;

/// <summary>The figures reported in <c>X-Rate-Limit-*</c> for one request.</summary>
internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds);

/// <summary>
/// Two fixed windows (hourly and spike) per key, aligned to multiples of the window length since the Unix epoch
/// (so <c>X-Rate-Limit-Reset</c> is an exact whole second). Every request that is let through counts, whatever its
/// final status; a request refused with 429 does not use up more quota.
/// </summary>
internal sealed class RateLimiter
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public void Clear() => _buckets.Clear();

    public RateLimitDecision Hit(string key, RateLimitSeed limits, DateTimeOffset now)
    {
        var bucket = _buckets.GetOrAdd(key, static _ => new Bucket());
        var nowMs = now.ToUnixTimeMilliseconds();
        var hourLengthMs = limits.HourlyWindowSeconds * 1000L;
        var spikeLengthMs = limits.SpikeWindowSeconds * 1000L;
        var hourIndex = FloorDiv(nowMs, hourLengthMs);
        var spikeIndex = FloorDiv(nowMs, spikeLengthMs);

        int hourUsed, spikeUsed;
        bool allowed;
        lock (bucket)
        {
            if (bucket.HourIndex != hourIndex)
            {
                bucket.HourIndex = hourIndex;
                bucket.HourCount = 0;
            }

            if (bucket.SpikeIndex != spikeIndex)
            {
                bucket.SpikeIndex = spikeIndex;
                bucket.SpikeCount = 0;
            }

            allowed = bucket.HourCount < limits.Hourly && bucket.SpikeCount < limits.Spike;
            if (allowed)
            {
                bucket.HourCount++;
                bucket.SpikeCount++;
            }

            hourUsed = bucket.HourCount;
            spikeUsed = bucket.SpikeCount;
        }

        var hourRemaining = Math.Max(0, limits.Hourly - hourUsed);
        var spikeRemaining = Math.Max(0, limits.Spike - spikeUsed);
        var hourResetMs = (hourIndex + 1) * hourLengthMs;
        var spikeResetMs = (spikeIndex + 1) * spikeLengthMs;

        // Report the window closest to running out; on a tie, the one that resets later (so waiting for it is enough).
        var useHour = hourRemaining < spikeRemaining || (hourRemaining == spikeRemaining && hourResetMs > spikeResetMs);
        var limit = useHour ? limits.Hourly : limits.Spike;
        var remaining = useHour ? hourRemaining : spikeRemaining;
        var resetMs = useHour ? hourResetMs : spikeResetMs;
        if (!allowed)
        {
            // Refused: the client must wait for every exhausted window.
            resetMs = 0;
            if (hourRemaining == 0)
            {
                resetMs = Math.Max(resetMs, hourResetMs);
                limit = limits.Hourly;
            }

            if (spikeRemaining == 0 && spikeResetMs > resetMs)
            {
                resetMs = spikeResetMs;
                limit = limits.Spike;
            }

            remaining = 0;
        }

        var resetSeconds = CeilDiv(resetMs, 1000);
        var retryAfter = (int)Math.Max(1, CeilDiv(resetMs - nowMs, 1000));
        return new RateLimitDecision(allowed, limit, remaining, resetSeconds, retryAfter);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    private sealed class Bucket
    {
        public long HourIndex = long.MinValue;
        public int HourCount;
        public long SpikeIndex = long.MinValue;
        public int SpikeCount;
    }
}

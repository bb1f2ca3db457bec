using System.Collections.Concurrent;

namespace ProcoreAdmin.ProcoreSimulator.RateLimiting;

/// <summary>The figures reported in <c>X-Rate-Limit-*</c> for one request.</summary>
internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds);

/// <summary>
/// Two windows (hourly and spike) per bucket key. Rolling windows (default) count the requests of the last window
/// length, so quota comes back one request at a time as old requests age out, and <c>X-Rate-Limit-Reset</c> is when the
/// oldest counted request leaves the reported window (the next moment Remaining grows). Fixed windows are aligned to
/// multiples of the window length since the Unix epoch. Every request that is let through counts, whatever its final
/// status; a request refused with 429 does not use up more quota. Background load ("another caller" of the same app)
/// is replayed into its bucket, request by request at its own timestamps, before each request of that bucket is counted.
/// </summary>
internal sealed class RateLimiter
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _loadGate = new();
    private List<BackgroundLoad> _loads = [];

    public void Clear()
    {
        _buckets.Clear();
        lock (_loadGate)
        {
            _loads = [];
        }
    }

    /// <summary>Replaces every background load whose bucket key equals <paramref name="load"/>'s (rate 0 removes it).</summary>
    public void SetLoad(BackgroundLoad load)
    {
        lock (_loadGate)
        {
            var loads = _loads.Where(l => !(l.ClientId == load.ClientId && l.Environment == load.Environment && l.CompanyId == load.CompanyId)).ToList();
            if (load.RequestsPerSecond > 0)
            {
                loads.Add(load);
            }

            _loads = loads;
        }
    }

    public IReadOnlyList<BackgroundLoad> Loads
    {
        get
        {
            lock (_loadGate)
            {
                return [.. _loads];
            }
        }
    }

    /// <summary>Brings every background load up to <paramref name="now"/> (for statistics).</summary>
    public void CatchUp(RateLimitSeed limits, DateTimeOffset now)
    {
        foreach (var load in Loads)
        {
            var bucket = _buckets.GetOrAdd(KeyOf(limits, load), static _ => new Bucket());
            lock (bucket)
            {
                Replay(bucket, load, limits, now.ToUnixTimeMilliseconds());
            }
        }
    }

    public RateLimitDecision Hit(string key, RateLimitSeed limits, DateTimeOffset now)
    {
        var bucket = _buckets.GetOrAdd(key, static _ => new Bucket());
        var nowMs = now.ToUnixTimeMilliseconds();
        var loads = Loads;
        lock (bucket)
        {
            foreach (var load in loads)
            {
                if (KeyOf(limits, load) == key)
                {
                    Replay(bucket, load, limits, nowMs);
                }
            }

            return limits.Windows == RateLimitWindows.Fixed
                ? HitFixed(bucket, limits, nowMs)
                : HitRolling(bucket, limits, nowMs, count: true);
        }
    }

    /// <summary>The bucket of an API request under the configured <see cref="RateLimitSeed.Scope"/>.</summary>
    public static string ApiKey(RateLimitSeed limits, SimulatorEnvironment environment, string? clientId, string? token, string company) =>
        limits.Scope switch
        {
            RateLimitScope.App when clientId is not null => $"api:{environment}:app:{clientId}",
            RateLimitScope.AppCompany when clientId is not null => $"api:{environment}:app:{clientId}:{company}",
            _ => $"api:{environment}:token:{token ?? "-"}:{company}",
        };

    /// <summary>The bucket background load spends from (with per-token buckets it has a bucket of its own).</summary>
    public static string KeyOf(RateLimitSeed limits, BackgroundLoad load) =>
        limits.Scope == RateLimitScope.Token
            ? $"load:{load.Environment}:{load.ClientId}:{load.CompanyId}"
            : ApiKey(limits, load.Environment, load.ClientId, null, load.CompanyId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");

    private static void Replay(Bucket bucket, BackgroundLoad load, RateLimitSeed limits, long nowMs)
    {
        var intervalMs = 1000.0 / load.RequestsPerSecond;
        var hourMs = limits.HourlyWindowSeconds * 1000L;
        if (load.NextAtMs < nowMs - hourMs)
        {
            // Requests older than a whole window no longer matter; skip them (their count is still reported).
            var skipped = (long)((nowMs - hourMs - load.NextAtMs) / intervalMs);
            load.NextAtMs += skipped * intervalMs;
            load.Sent += skipped;
        }

        while (load.NextAtMs <= nowMs)
        {
            var at = (long)load.NextAtMs;
            var decision = limits.Windows == RateLimitWindows.Fixed
                ? HitFixed(bucket, limits, at)
                : HitRolling(bucket, limits, at, count: true);
            if (decision.Allowed)
            {
                load.Sent++;
            }
            else
            {
                load.Refused++;
            }

            load.NextAtMs += intervalMs;
        }
    }

    private static RateLimitDecision HitRolling(Bucket bucket, RateLimitSeed limits, long nowMs, bool count)
    {
        var hourMs = limits.HourlyWindowSeconds * 1000L;
        var spikeMs = limits.SpikeWindowSeconds * 1000L;
        while (bucket.HourTimes.Count > 0 && bucket.HourTimes.Peek() <= nowMs - hourMs)
        {
            bucket.HourTimes.Dequeue();
        }

        while (bucket.SpikeTimes.Count > 0 && bucket.SpikeTimes.Peek() <= nowMs - spikeMs)
        {
            bucket.SpikeTimes.Dequeue();
        }

        var allowed = bucket.HourTimes.Count < limits.Hourly && bucket.SpikeTimes.Count < limits.Spike;
        if (allowed && count)
        {
            bucket.HourTimes.Enqueue(nowMs);
            bucket.SpikeTimes.Enqueue(nowMs);
        }

        var hourRemaining = Math.Max(0, limits.Hourly - bucket.HourTimes.Count);
        var spikeRemaining = Math.Max(0, limits.Spike - bucket.SpikeTimes.Count);

        // When the oldest counted request ages out of each window (an empty window "resets" one length from now).
        var hourResetMs = (bucket.HourTimes.Count > 0 ? bucket.HourTimes.Peek() : nowMs) + hourMs;
        var spikeResetMs = (bucket.SpikeTimes.Count > 0 ? bucket.SpikeTimes.Peek() : nowMs) + spikeMs;
        return Decide(limits, nowMs, allowed, hourRemaining, spikeRemaining, hourResetMs, spikeResetMs);
    }

    private static RateLimitDecision HitFixed(Bucket bucket, RateLimitSeed limits, long nowMs)
    {
        var hourLengthMs = limits.HourlyWindowSeconds * 1000L;
        var spikeLengthMs = limits.SpikeWindowSeconds * 1000L;
        var hourIndex = FloorDiv(nowMs, hourLengthMs);
        var spikeIndex = FloorDiv(nowMs, spikeLengthMs);
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

        var allowed = bucket.HourCount < limits.Hourly && bucket.SpikeCount < limits.Spike;
        if (allowed)
        {
            bucket.HourCount++;
            bucket.SpikeCount++;
        }

        var hourRemaining = Math.Max(0, limits.Hourly - bucket.HourCount);
        var spikeRemaining = Math.Max(0, limits.Spike - bucket.SpikeCount);
        return Decide(limits, nowMs, allowed, hourRemaining, spikeRemaining, (hourIndex + 1) * hourLengthMs, (spikeIndex + 1) * spikeLengthMs);
    }

    private static RateLimitDecision Decide(RateLimitSeed limits, long nowMs, bool allowed, int hourRemaining, int spikeRemaining,
        long hourResetMs, long spikeResetMs)
    {
        // Report the window closest to being hit; on a tie, the one that resets later (so waiting for it is enough).
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
        public readonly Queue<long> HourTimes = new();
        public readonly Queue<long> SpikeTimes = new();
        public long HourIndex = long.MinValue;
        public int HourCount;
        public long SpikeIndex = long.MinValue;
        public int SpikeCount;
    }
}

/// <summary>"Another caller" of an app: spends <see cref="RequestsPerSecond"/> from the app's bucket.</summary>
internal sealed class BackgroundLoad(string clientId, SimulatorEnvironment environment, long? companyId, double requestsPerSecond, long startMs)
{
    public string ClientId { get; } = clientId;

    public SimulatorEnvironment Environment { get; } = environment;

    public long? CompanyId { get; } = companyId;

    public double RequestsPerSecond { get; } = requestsPerSecond;

    /// <summary>Time of the next background request (Unix ms, fractional so that any rate stays exact).</summary>
    public double NextAtMs { get; set; } = startMs;

    /// <summary>Background requests that were counted against the bucket.</summary>
    public long Sent { get; set; }

    /// <summary>Background requests the bucket refused (the other caller got a 429).</summary>
    public long Refused { get; set; }
}

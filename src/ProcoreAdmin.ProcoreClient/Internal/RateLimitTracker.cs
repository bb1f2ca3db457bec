using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace ProcoreAdmin.ProcoreClient.Internal;

/// <summary>
/// Remembers the rate-limit state per credential (the app's quota, which every caller of the same client id shares,
/// whatever company it calls for) so that callers pause when the window is used up instead of earning a 429, and keeps
/// the latest snapshot per credential for the UI.
/// </summary>
internal sealed class RateLimitTracker
{
    private static readonly TimeSpan ClockAgreement = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SpikeWindow = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimitSnapshot> _latest = new(StringComparer.Ordinal);

    /// <summary>
    /// Reserves one request, or returns how long to wait when the last known state says the window is used up (or a
    /// 429 blocked it). Requests in flight count against the last reported Remaining. In a short (spike) window the
    /// last <paramref name="reserve"/> requests are left alone: other callers of the app spend from the same window,
    /// and waiting for it to roll is cheaper than a 429.
    /// </summary>
    public TimeSpan? TryReserve(string credentialKey, DateTimeOffset now, int reserve = 0)
    {
        var bucket = _buckets.GetOrAdd(credentialKey, static _ => new Bucket());
        lock (bucket)
        {
            if (bucket.BlockedUntil is { } blocked && blocked > now)
            {
                return blocked - now;
            }

            if (bucket.ResetAt is not { } reset || reset <= now)
            {
                // Window unknown or already rolled: the next response tells us the new state.
                bucket.Remaining = null;
                bucket.ResetAt = null;
                return null;
            }

            if (bucket.Remaining is { } remaining)
            {
                var keep = bucket.Short ? reserve : 0;
                if (remaining <= keep)
                {
                    return reset - now;
                }

                bucket.Remaining = remaining - 1;
            }

            return null;
        }
    }

    public void Record(string credentialKey, RateLimitSnapshot snapshot)
    {
        _latest[credentialKey] = snapshot;
        if (snapshot.Remaining is { } remaining)
        {
            ProcoreTelemetry.RecordRemaining(credentialKey, remaining);
        }
        if (snapshot.Remaining is null || snapshot.ResetAt is null)
        {
            return;
        }

        var bucket = _buckets.GetOrAdd(credentialKey, static _ => new Bucket());
        lock (bucket)
        {
            bucket.Remaining = snapshot.Remaining;
            bucket.ResetAt = snapshot.ResetAt;
            bucket.Short = snapshot.ResetAt - snapshot.ObservedAt <= SpikeWindow;
        }
    }

    /// <summary>After a 429: nobody of this app sends before <paramref name="until"/>.</summary>
    public void Block(string credentialKey, DateTimeOffset until)
    {
        var bucket = _buckets.GetOrAdd(credentialKey, static _ => new Bucket());
        lock (bucket)
        {
            if (bucket.BlockedUntil is null || bucket.BlockedUntil < until)
            {
                bucket.BlockedUntil = until;
            }
        }
    }

    public RateLimitSnapshot? Latest(string credentialKey) => _latest.TryGetValue(credentialKey, out var s) ? s : null;

    /// <summary>Reads X-Rate-Limit-* (and Date, to map the reset onto the local clock). Null when none are present.</summary>
    public static RateLimitSnapshot? Parse(HttpResponseHeaders headers, DateTimeOffset now, long? companyId)
    {
        var limit = ReadLong(headers, "X-Rate-Limit-Limit");
        var remaining = ReadLong(headers, "X-Rate-Limit-Remaining");
        var reset = ReadLong(headers, "X-Rate-Limit-Reset");
        if (limit is null && remaining is null && reset is null)
        {
            return null;
        }

        DateTimeOffset? resetAt = null;
        if (reset is { } resetSeconds and > 0 and < 253_402_300_799)
        {
            var resetUtc = DateTimeOffset.FromUnixTimeSeconds(resetSeconds);

            // Procore says: compare Reset with the response's Date, which makes the wait immune to clock skew. Date has
            // whole-second precision, though, so when our clock agrees with the server's (within that precision) the
            // local clock is used directly: it avoids overshooting every 1-second spike window by up to a second.
            resetAt = headers.Date is { } serverNow && (serverNow - now).Duration() > ClockAgreement
                ? now + (resetUtc - serverNow)
                : resetUtc;
        }

        return new RateLimitSnapshot(limit, remaining, resetAt, now, companyId);
    }

    /// <summary>Retry-After as seconds or an HTTP date, relative to the response's Date when present.</summary>
    public static TimeSpan? ParseRetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - (headers.Date ?? now);
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static long? ReadLong(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private sealed class Bucket
    {
        public long? Remaining { get; set; }

        public DateTimeOffset? ResetAt { get; set; }

        public DateTimeOffset? BlockedUntil { get; set; }

        /// <summary>The reported window resets within ten seconds (the spike window).</summary>
        public bool Short { get; set; }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace ProcoreAdmin.ProcoreClient.Internal;

/// <summary>One request this process sent on an app's quota: when it left and when its response came back.</summary>
internal sealed class OwnRequest(DateTimeOffset sentAt)
{
    public DateTimeOffset SentAt { get; } = sentAt;

    /// <summary>Null while the request is in flight.</summary>
    public DateTimeOffset? ReceivedAt { get; set; }
}

/// <summary>What the tracker decided for one request: send now (with the request's <see cref="Ticket"/>), or wait.</summary>
internal readonly record struct PacingDecision(OwnRequest? Ticket, TimeSpan Wait, PacingReason Reason)
{
    public bool Go => Ticket is not null;
}

internal enum PacingReason
{
    /// <summary>Send now.</summary>
    Go,

    /// <summary>A 429 told every caller of the app to hold off until a time.</summary>
    Blocked,

    /// <summary>Waiting for one of this process's own requests to leave the rolling spike window.</summary>
    OwnRequestLeavesWindow,

    /// <summary>Waiting (a tenth of the spike window at a time) for a response in flight to say how much is left.</summary>
    ResponseInFlight,

    /// <summary>Waiting for the reported window's <c>X-Rate-Limit-Reset</c>.</summary>
    Reset,
}

/// <summary>
/// Paces the requests of each credential (the app's quota, which every caller of the same client id shares, whatever
/// company it calls for) so that they rarely earn a 429, and keeps the latest snapshot per credential for the UI.
/// </summary>
/// <remarks>
/// <para>Procore's windows may roll: a request counts for one window length after it was made, and other callers of the
/// app (a live integration) spend from the same window. In the 10-second spike window the tracker therefore keeps a log of
/// its own requests and estimates, at each moment, what is still free:</para>
/// <para><c>free = Remaining (last response) + own requests the server certainly counted then − own requests possibly
/// still counted now</c>.</para>
/// <para>It assumes other callers go on spending at the rate they did (a slot of theirs that ages out is taken again by
/// them), so the slots that come back <em>for this process</em> are the ones its own requests free. A request is sent
/// when <c>free</c> is above the reserve (this process may grow its share), when it replaces one of its own requests
/// that has left the window since that response (its share does not grow), or when the window would stay split evenly
/// (below). Otherwise it waits until its next own request leaves the window — past <c>X-Rate-Limit-Reset</c> when that
/// reset frees another caller's slot (which the other caller takes again) — or, when it holds nothing in the window,
/// until the reset itself. Spending the free part at once and then recycling its own slots is what finishes a long
/// export soonest on a shared rolling quota; waiting for the reported reset and racing the other caller for the slot it
/// frees is what earns 429s.</para>
/// <para>Even split: the reserve leaves the other callers room to grow, but not into this process's half. A request
/// may take the last free slots when this process holds at most half of the window (rounded down) with it and the other
/// callers held at most half (rounded up). A caller sending evenly holds one request more or less depending on when it
/// is looked at, so from one answer this process cannot tell its higher count from its lower one, and keeping the
/// reserve against the count it sees costs a slot in every window (against a live integration at half the limit, 11 of
/// the 12 slots it leaves). The cost falls on a caller that wants just over half (13–14 of 25): the two then want more
/// than the limit, and it is refused now and then.</para>
/// <para>In the hourly window (reported only when it is nearly used up) it spends what Remaining says and then waits for the
/// reset. A 429 blocks every caller of the app until its reset.</para>
/// </remarks>
internal sealed class RateLimitTracker(TimeSpan spikeWindow)
{
    private static readonly TimeSpan ClockAgreement = TimeSpan.FromSeconds(2);

    /// <summary>Reset and Date have whole-second precision: a spike window reads up to a second longer.</summary>
    private static readonly TimeSpan WholeSecond = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimitSnapshot> _latest = new(StringComparer.Ordinal);

    public RateLimitTracker()
        : this(TimeSpan.FromSeconds(10))
    {
    }

    /// <summary>The length of the spike window (Procore: 10 seconds).</summary>
    public TimeSpan SpikeWindow { get; } = spikeWindow;

    /// <summary>
    /// How long after its response an own request is taken to have left the spike window. The server counted it before it
    /// answered, so a window after the answer is past the window after the count (by the time the answer took to arrive).
    /// </summary>
    private TimeSpan Ages => SpikeWindow;

    /// <summary>
    /// Decides whether one request may leave now (and records it as in flight) or how long to wait before asking again.
    /// </summary>
    public PacingDecision TryReserve(string credentialKey, DateTimeOffset now, int reserve = 0)
    {
        var bucket = _buckets.GetOrAdd(credentialKey, static _ => new Bucket());
        lock (bucket)
        {
            if (bucket.BlockedUntil is { } blocked && blocked > now)
            {
                return new PacingDecision(null, blocked - now, PacingReason.Blocked);
            }

            bucket.Prune(now, Ages);
            var wait = bucket.Observed && bucket.Remaining is { } remaining && bucket.ResetAt is { } reset
                ? bucket.Short ? SpikeWait(bucket, remaining, reset, now, reserve) : HourlyWait(bucket, remaining, reset, now)
                : null;
            if (wait is { } w)
            {
                return w;
            }

            var ticket = new OwnRequest(now);
            bucket.Own.Add(ticket);
            return new PacingDecision(ticket, TimeSpan.Zero, PacingReason.Go);
        }
    }

    /// <summary>Records a request that leaves whatever the state (the pacing gave up waiting).</summary>
    public OwnRequest Reserve(string credentialKey, DateTimeOffset now)
    {
        var bucket = _buckets.GetOrAdd(credentialKey, static _ => new Bucket());
        var ticket = new OwnRequest(now);
        lock (bucket)
        {
            bucket.Own.Add(ticket);
        }

        return ticket;
    }

    private PacingDecision? SpikeWait(Bucket bucket, long remaining, DateTimeOffset reset, DateTimeOffset now, int reserve)
    {
        if (now - bucket.ObservedSentAt >= Ages)
        {
            // Everything counted in that response has left the window since: it no longer says anything.
            return null;
        }

        var ownThen = 0;
        var ownNow = 0;
        var freed = 0;
        var inFlight = false;
        DateTimeOffset? nextLeaves = null;
        foreach (var own in bucket.Own)
        {
            // Certainly counted by the server when it answered: it is the request that was answered, or it came back
            // before that one left, and it was sent less than a window before the answer.
            var answeredBefore = own.ReceivedAt is { } r && r <= bucket.ObservedSentAt;
            if (own == bucket.ObservedBy || (answeredBefore && own.SentAt > bucket.ObservedAt - SpikeWindow))
            {
                ownThen++;
            }
            else if (answeredBefore)
            {
                // Sent about a window before the answered request: the server may have counted it in that Remaining or
                // already let it go. While it may still count, it is inside that Remaining if anywhere (it arrived
                // before the answered request), so it changes nothing. Once it has certainly left, its slot is free again
                // if it was counted then: the server counts a request about halfway through its round trip, so it was
                // when its midpoint is less than a window before the answered request's.
                var gone = own.ReceivedAt!.Value + Ages;
                if (gone > now)
                {
                    nextLeaves = nextLeaves is { } n && n <= gone ? n : gone;
                }
                else if (Midpoint(own.SentAt, own.ReceivedAt.Value) > Midpoint(bucket.ObservedSentAt, bucket.ObservedAt) - SpikeWindow)
                {
                    freed++;
                }

                continue;
            }

            // Possibly still counted now: in flight, or back less than a window (plus margin) ago.
            if (own.ReceivedAt is not { } received)
            {
                ownNow++;
                inFlight = true;
            }
            else if (received + Ages > now)
            {
                ownNow++;
                var leaves = received + Ages;
                nextLeaves = nextLeaves is { } n && n <= leaves ? n : leaves;
            }
        }

        var free = remaining + ownThen - ownNow + freed;
        if (free > reserve || (ownThen - ownNow >= 1 && free >= 1))
        {
            return null;
        }

        // The reserve leaves the other callers room to grow, but not into this process's half of the window: while they
        // hold no more than half (rounded up) and this process, with this request, no more than half (rounded down), the
        // request goes even if it takes the last free slot.
        if (free >= 1 && bucket.Limit is { } limit && ownNow + 1 <= limit / 2 && limit - remaining - ownThen <= limit - (limit / 2))
        {
            return null;
        }

        if (nextLeaves is { } next)
        {
            return new PacingDecision(null, next - now, PacingReason.OwnRequestLeavesWindow);
        }

        if (inFlight)
        {
            var poll = SpikeWindow / 10;
            return new PacingDecision(null, reset > now && reset - now < poll ? reset - now : poll, PacingReason.ResponseInFlight);
        }

        // Nothing of ours in the window: the reset is when the oldest request (another caller's) leaves. Then one request
        // goes to learn the new state (it is recorded as in flight, so concurrent callers wait for its answer).
        return reset > now ? new PacingDecision(null, reset - now, PacingReason.Reset) : null;
    }

    private static DateTimeOffset Midpoint(DateTimeOffset sent, DateTimeOffset received) => sent + ((received - sent) / 2);

    private static PacingDecision? HourlyWait(Bucket bucket, long remaining, DateTimeOffset reset, DateTimeOffset now)
    {
        if (reset <= now)
        {
            return null;
        }

        // Requests not certainly counted in the last response: in flight, or answered after it was sent.
        var pending = bucket.Own.Count(o => o != bucket.ObservedBy && (o.ReceivedAt is not { } r || r > bucket.ObservedSentAt));
        return remaining - pending > 0 ? null : new PacingDecision(null, reset - now, PacingReason.Reset);
    }

    /// <summary>
    /// Records the answer to a request (<paramref name="ticket"/> from <see cref="TryReserve"/>, or null when it was not
    /// paced) and the <c>X-Rate-Limit-*</c> headers it carried (null when none, or the request failed without an answer).
    /// A request refused with 429 was not served and is taken out of the log (the server does not count it in the window).
    /// </summary>
    public void Complete(string credentialKey, OwnRequest? ticket, RateLimitSnapshot? snapshot, DateTimeOffset now, bool refused = false)
    {
        if (snapshot is not null)
        {
            _latest[credentialKey] = snapshot;
            if (snapshot.Remaining is { } left)
            {
                ProcoreTelemetry.RecordRemaining(credentialKey, left);
            }
        }

        var bucket = _buckets.GetOrAdd(credentialKey, static _ => new Bucket());
        lock (bucket)
        {
            if (ticket is not null)
            {
                ticket.ReceivedAt = now;
                if (refused)
                {
                    bucket.Own.Remove(ticket);
                }
            }

            var sentAt = ticket?.SentAt ?? now;
            if (snapshot is { Remaining: not null, ResetAt: not null } && (!bucket.Observed || sentAt >= bucket.ObservedSentAt))
            {
                bucket.Observed = true;
                bucket.Remaining = snapshot.Remaining;
                bucket.Limit = snapshot.Limit;
                bucket.ResetAt = snapshot.ResetAt;
                bucket.ObservedAt = snapshot.ObservedAt;
                bucket.ObservedSentAt = sentAt;
                bucket.ObservedBy = refused ? null : ticket;
                bucket.Short = snapshot.ResetAt - snapshot.ObservedAt <= SpikeWindow + WholeSecond;
            }
        }
    }

    /// <summary>Records a snapshot without a paced request (kept for callers that only observe).</summary>
    public void Record(string credentialKey, RateLimitSnapshot snapshot) => Complete(credentialKey, null, snapshot, snapshot.ObservedAt);

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
        /// <summary>Own requests that may still count in the spike window (pruned as they age out).</summary>
        public List<OwnRequest> Own { get; } = [];

        public bool Observed { get; set; }

        public long? Remaining { get; set; }

        public long? Limit { get; set; }

        public DateTimeOffset? ResetAt { get; set; }

        /// <summary>When the latest response was received, and when its request was sent.</summary>
        public DateTimeOffset ObservedAt { get; set; }

        public DateTimeOffset ObservedSentAt { get; set; }

        /// <summary>The own request whose response is the latest observation (null when it was not paced).</summary>
        public OwnRequest? ObservedBy { get; set; }

        public DateTimeOffset? BlockedUntil { get; set; }

        /// <summary>The reported window resets within the spike window's length (the spike window).</summary>
        public bool Short { get; set; }

        /// <summary>Drops own requests that left the window before the latest observation was made (they count nowhere).</summary>
        public void Prune(DateTimeOffset now, TimeSpan ages)
        {
            var horizon = Observed && ObservedSentAt < now ? ObservedSentAt : now;
            Own.RemoveAll(o => o.ReceivedAt is { } r && r + ages <= horizon);
        }
    }
}

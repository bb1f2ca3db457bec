using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.Tests.ProcoreClient;

/// <summary>
/// The pacing decisions of <see cref="RateLimitTracker"/> on a shared, rolling spike window (25 per 10 s), driven with
/// explicit times: no HTTP, no sleeps.
/// </summary>
public class PacingDecisionTests
{
    private const string Key = "cred-1";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(50);

    private static RateLimitSnapshot Snapshot(long remaining, DateTimeOffset resetAt, DateTimeOffset observedAt) =>
        new(25, remaining, resetAt, observedAt, null);

    /// <summary>Sends one request through the tracker at <paramref name="at"/> and answers it <see cref="Latency"/> later.</summary>
    private static DateTimeOffset Send(RateLimitTracker tracker, DateTimeOffset at, long remaining, DateTimeOffset resetAt, int reserve = 1)
    {
        var decision = tracker.TryReserve(Key, at, reserve);
        Assert.True(decision.Go, $"expected to go at {at:HH:mm:ss.fff}, was told to wait {decision.Wait} ({decision.Reason})");
        var received = at + Latency;
        tracker.Complete(Key, decision.Ticket, Snapshot(remaining, resetAt, received), received);
        return received;
    }

    [Fact]
    public void Pacing_FreeAboveReserve_Goes()
    {
        var tracker = new RateLimitTracker(Window);
        var t0 = TestTime.Epoch;
        var back = Send(tracker, t0, remaining: 5, resetAt: t0 + TimeSpan.FromSeconds(3));

        Assert.True(tracker.TryReserve(Key, back, reserve: 1).Go);
    }

    [Fact]
    public void Pacing_AtReserve_WaitsPastTheResetUntilItsOwnRequestLeavesTheWindow()
    {
        // Another caller's oldest request leaves in 2 s (the reset); that caller takes the slot again. The slot that comes
        // back for us is our own request's, one window after its response .
        var tracker = new RateLimitTracker(Window);
        var t0 = TestTime.Epoch;
        var back = Send(tracker, t0, remaining: 1, resetAt: t0 + TimeSpan.FromSeconds(2));

        var decision = tracker.TryReserve(Key, back, reserve: 1);

        Assert.False(decision.Go);
        Assert.Equal(PacingReason.OwnRequestLeavesWindow, decision.Reason);
        Assert.Equal(Window, decision.Wait);
        Assert.True(tracker.TryReserve(Key, back + decision.Wait, reserve: 1).Go);
    }

    [Fact]
    public void Pacing_RemainingZero_ReplacesOwnRequestThatLeftButDoesNotGrowItsShare()
    {
        var tracker = new RateLimitTracker(Window);
        var t0 = TestTime.Epoch;
        var reset = t0 + TimeSpan.FromSeconds(1);
        var first = Send(tracker, t0, remaining: 3, resetAt: reset);
        var second = Send(tracker, first, remaining: 2, resetAt: reset);
        Send(tracker, second, remaining: 0, resetAt: reset); // the window is full: 3 of ours, 22 of the other caller

        var firstLeaves = first + Window;
        var replace = tracker.TryReserve(Key, firstLeaves, reserve: 1);
        var more = tracker.TryReserve(Key, firstLeaves, reserve: 1);

        Assert.True(replace.Go);
        Assert.False(more.Go); // one slot came back, one request went
        Assert.Equal(PacingReason.OwnRequestLeavesWindow, more.Reason);
    }

    [Fact]
    public void Pacing_OnlyOthersInTheWindow_WaitsForTheResetThenSendsOneProbe()
    {
        // The answer came to a request that was not paced (nothing of ours is in the window): only the reset helps.
        var tracker = new RateLimitTracker(Window);
        var t0 = TestTime.Epoch;
        var reset = t0 + TimeSpan.FromSeconds(4);
        tracker.Record(Key, Snapshot(0, reset, t0));

        var early = tracker.TryReserve(Key, t0, 1);
        var probe = tracker.TryReserve(Key, reset, 1);
        var concurrent = tracker.TryReserve(Key, reset, 1);

        Assert.Equal(PacingReason.Reset, early.Reason);
        Assert.Equal(TimeSpan.FromSeconds(4), early.Wait);
        Assert.True(probe.Go);
        Assert.Equal(PacingReason.ResponseInFlight, concurrent.Reason); // one probe at a time
    }

    [Fact]
    public void Pacing_RequestInFlight_CountsAgainstWhatIsLeftUntilItsAnswer()
    {
        var tracker = new RateLimitTracker(Window);
        var t0 = TestTime.Epoch;
        var reset = t0 + TimeSpan.FromSeconds(5);
        var back = Send(tracker, t0, remaining: 2, resetAt: reset); // free 2 > reserve 1: one more may go

        var a = tracker.TryReserve(Key, back, 1);
        var b = tracker.TryReserve(Key, back, 1);
        tracker.Complete(Key, a.Ticket, Snapshot(3, reset, back + Latency), back + Latency); // the other caller's request left
        var c = tracker.TryReserve(Key, back + Latency, 1);

        Assert.True(a.Go);
        Assert.False(b.Go);
        Assert.True(c.Go);
    }

    [Fact]
    public void Pacing_RefusedWith429_TheRefusedRequestTakesNoSlot()
    {
        var tracker = new RateLimitTracker(Window);
        var t0 = TestTime.Epoch;
        var reset = t0 + TimeSpan.FromSeconds(2);
        var first = tracker.TryReserve(Key, t0, 1);
        tracker.Complete(Key, first.Ticket, Snapshot(0, reset, t0 + Latency), t0 + Latency, refused: true);

        var atReset = tracker.TryReserve(Key, reset, 1);

        Assert.True(atReset.Go); // only the reset mattered: nothing of ours was counted
    }

    [Fact]
    public void Pacing_HourlyWindowUsedUp_WaitsForItsReset()
    {
        var tracker = new RateLimitTracker(Window);
        var t0 = TestTime.Epoch;
        var reset = t0 + TimeSpan.FromMinutes(20);
        var back = Send(tracker, t0, remaining: 0, resetAt: reset);

        var decision = tracker.TryReserve(Key, back, 1);

        Assert.Equal(PacingReason.Reset, decision.Reason);
        Assert.Equal(reset - back, decision.Wait);
    }

    [Fact]
    public void Pacing_After429_EveryCallerHoldsOffUntilTheReset()
    {
        var tracker = new RateLimitTracker(Window);
        var t0 = TestTime.Epoch;
        tracker.Block(Key, t0 + TimeSpan.FromSeconds(3));

        var decision = tracker.TryReserve(Key, t0, 1);

        Assert.Equal(PacingReason.Blocked, decision.Reason);
        Assert.Equal(TimeSpan.FromSeconds(3), decision.Wait);
    }

    [Theory]
    [InlineData(800, 34)] // half the spike limit (the G3b load): the other caller holds 12 or 13 of the window
    [InlineData(800, 36)] // 34 pages plus two faulted requests: exactly three windows of 12, no slack
    [InlineData(800, 100)]
    [InlineData(1333, 36)] // 30 %: 7 or 8
    [InlineData(571, 36)] // 70 %: 17 or 18
    public void Pacing_SharedRollingWindow_EvenCaller_EveryStartPhase_No429ForAnyoneAndNearTheMinimum(int otherIntervalMs, int pages)
    {
        // A rolling 25-per-10-s window shared with another caller who sends evenly and has done so for 15 s; we fetch pages
        // one after another, each answered 50 ms after it leaves. The export may start anywhere in the other caller's
        // rhythm: just after one of its requests (it holds its higher count) or just before (its lower count).
        var interval = TimeSpan.FromMilliseconds(otherIntervalMs);
        var othersMost = (int)Math.Ceiling(Window / interval);
        var share = 25 - othersMost; // what we can hold without ever refusing one of the other caller's requests
        for (var phaseMs = 0; phaseMs < otherIntervalMs; phaseMs += 50)
        {
            var time = new FakeTimeProvider(TestTime.Epoch);
            var server = new RollingWindow(25, Window);
            var other = new EvenCaller(server, interval, time.GetUtcNow() - TimeSpan.FromSeconds(15) + TimeSpan.FromMilliseconds(phaseMs));
            var tracker = new RateLimitTracker(Window);
            other.CatchUp(time.GetUtcNow());
            var start = time.GetUtcNow();
            var refused = 0;
            var sent = 0;
            var done = 0;
            for (var guard = 0; done < pages && guard < 100_000; guard++)
            {
                var decision = tracker.TryReserve(Key, time.GetUtcNow(), reserve: 1);
                if (!decision.Go)
                {
                    Assert.True(decision.Wait > TimeSpan.Zero);
                    time.Advance(decision.Wait);
                    continue;
                }

                var at = time.GetUtcNow();
                other.CatchUp(at);
                var (allowed, remaining, resetAt) = server.Hit(at);
                sent++;
                time.Advance(Latency);
                other.CatchUp(time.GetUtcNow());
                tracker.Complete(Key, decision.Ticket, Snapshot(remaining, resetAt, time.GetUtcNow()), time.GetUtcNow());
                if (allowed)
                {
                    done++;
                }
                else
                {
                    refused++;
                    tracker.Block(Key, resetAt);
                }
            }

            var elapsed = time.GetUtcNow() - start;

            // What the quota allows a sequential client that never refuses the other caller: `share` at once, then
            // `share` more each time its own requests leave the window, so page k > share cannot leave before page
            // k - share left the window.
            var windows = (pages - 1) / share;
            var minimum = windows * Window + ((pages - 1) % share + 1) * Latency;
            var where = $"start phase {phaseMs} ms";
            Assert.True(refused == 0, $"{where}: {refused} of our requests refused");
            Assert.Equal(pages, sent);
            Assert.True(other.Refused == 0, $"{where}: {other.Refused} of the other caller's requests refused");
            Assert.True(elapsed <= minimum * 1.1, $"{where}: took {elapsed.TotalSeconds:0.00} s for {pages} pages; minimum {minimum.TotalSeconds:0.00} s");
        }
    }

    /// <summary>A rolling window as Procore documents it: a request counts for one window length after it was made.</summary>
    private sealed class RollingWindow(int limit, TimeSpan window)
    {
        private readonly Queue<DateTimeOffset> _counted = new();

        public (bool Allowed, long Remaining, DateTimeOffset ResetAt) Hit(DateTimeOffset at)
        {
            while (_counted.Count > 0 && _counted.Peek() <= at - window)
            {
                _counted.Dequeue();
            }

            var allowed = _counted.Count < limit;
            if (allowed)
            {
                _counted.Enqueue(at);
            }

            var reset = (_counted.Count > 0 ? _counted.Peek() : at) + window;
            return (allowed, limit - _counted.Count, DateTimeOffset.FromUnixTimeSeconds((reset.ToUnixTimeMilliseconds() + 999) / 1000));
        }
    }

    /// <summary>Another caller of the same app, sending evenly; a refused request of theirs is not counted.</summary>
    private sealed class EvenCaller(RollingWindow server, TimeSpan interval, DateTimeOffset start)
    {
        private DateTimeOffset _next = start;

        public int Refused { get; private set; }

        public void CatchUp(DateTimeOffset now)
        {
            while (_next <= now)
            {
                if (!server.Hit(_next).Allowed)
                {
                    Refused++;
                }

                _next += interval;
            }
        }
    }
}

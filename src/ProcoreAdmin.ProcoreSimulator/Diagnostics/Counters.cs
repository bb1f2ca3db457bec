using System.Collections.Concurrent;

namespace ProcoreAdmin.ProcoreSimulator.Diagnostics;

internal sealed class Counters
{
    private readonly ConcurrentDictionary<int, long> _byStatus = new();
    private long _requests;
    private long _tokenRequests;
    private long _rateLimited;
    private long _faults;
    private long _connections;

    public void ConnectionAccepted() => Interlocked.Increment(ref _connections);

    public void RequestStarted(bool tokenRequest)
    {
        Interlocked.Increment(ref _requests);
        if (tokenRequest)
        {
            Interlocked.Increment(ref _tokenRequests);
        }
    }

    public void RateLimited() => Interlocked.Increment(ref _rateLimited);

    public void FaultInjected() => Interlocked.Increment(ref _faults);

    public void Completed(int status) => _byStatus.AddOrUpdate(status, 1, static (_, n) => n + 1);

    public SimulatorStats Snapshot(long activeTokens)
    {
        var byStatus = new SortedDictionary<int, long>(_byStatus);
        var requests = Interlocked.Read(ref _requests);
        var tokenRequests = Interlocked.Read(ref _tokenRequests);
        return new SimulatorStats(
            requests,
            tokenRequests,
            requests - tokenRequests,
            Interlocked.Read(ref _rateLimited),
            byStatus.GetValueOrDefault(429),
            byStatus.GetValueOrDefault(401),
            Interlocked.Read(ref _faults),
            Interlocked.Read(ref _connections),
            activeTokens,
            byStatus);
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _tokenRequests, 0);
        Interlocked.Exchange(ref _rateLimited, 0);
        Interlocked.Exchange(ref _faults, 0);
        Interlocked.Exchange(ref _connections, 0);
        _byStatus.Clear();
    }
}

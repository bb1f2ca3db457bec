namespace ProcoreAdmin.ProcoreSimulator.Diagnostics;

/// <summary>Bounded in-memory request log (oldest entries are dropped past <see cref="Capacity"/>).</summary>
internal sealed class RequestLog
{
    public const int Capacity = 100_000;

    private readonly Lock _gate = new();
    private readonly Queue<RequestLogEntry> _entries = new();
    private long _sequence;

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void Add(RequestLogEntry entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > Capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries.OrderBy(e => e.Sequence)];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}

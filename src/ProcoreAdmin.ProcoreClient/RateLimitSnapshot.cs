namespace ProcoreAdmin.ProcoreClient;

/// <summary>
/// The <c>X-Rate-Limit-*</c> headers of one response. Procore reports whichever window (10-second spike or hourly) is
/// closer to running out.
/// </summary>
/// <param name="Limit">X-Rate-Limit-Limit.</param>
/// <param name="Remaining">X-Rate-Limit-Remaining.</param>
/// <param name="ResetAt">X-Rate-Limit-Reset mapped onto this machine's clock (through the response's Date header when present).</param>
/// <param name="ObservedAt">When the response was received (local clock).</param>
/// <param name="CompanyId">The Procore-Company-Id of the request, when one was sent.</param>
public sealed record RateLimitSnapshot(long? Limit, long? Remaining, DateTimeOffset? ResetAt, DateTimeOffset ObservedAt, long? CompanyId)
{
    /// <summary>How long until the reported window resets, seen from <see cref="ObservedAt"/>.</summary>
    public TimeSpan? ResetsIn => ResetAt is { } reset ? reset - ObservedAt : null;

    /// <summary>
    /// True when the headers describe the 10-second spike window, false for the hourly window. Procore: compare Reset
    /// with the response's Date; 10 s or less away is the spike window. Both are whole seconds (Reset rounded up, Date
    /// down), so a spike window that rolls (its reset is when the oldest request ages out, not a second boundary) can
    /// read up to 11 s away; an hourly window that is closer to being hit than the spike window is normally minutes
    /// away, and when it is about to roll its limit is the larger one.
    /// </summary>
    public bool? IsSpikeWindow => ResetsIn is { } r ? r <= SpikeWindowRead : null;

    private static readonly TimeSpan SpikeWindowRead = TimeSpan.FromSeconds(11);
}

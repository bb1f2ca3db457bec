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

    /// <summary>True when the reported window resets within ten seconds (the spike window), false for the hourly window.</summary>
    public bool? IsSpikeWindow => ResetsIn is { } r ? r <= TimeSpan.FromSeconds(10) : null;
}

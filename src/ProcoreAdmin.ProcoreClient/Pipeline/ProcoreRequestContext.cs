using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.ProcoreClient.Pipeline;

/// <summary>
/// What the handlers of the client's <see cref="HttpClient"/> pipeline need to know about one logical call, carried in
/// <see cref="HttpRequestMessage.Options"/>, and what they report back (attempts, token time, the wait that was refused).
/// </summary>
internal sealed class ProcoreRequestContext
{
    public static readonly HttpRequestOptionsKey<ProcoreRequestContext> Key = new("ProcoreAdmin.ProcoreRequestContext");

    public required ProcoreClient Owner { get; init; }

    public required ProcoreCredential Credential { get; init; }

    public required ProcoreHosts Hosts { get; init; }

    public required string Operation { get; init; }

    public long CompanyId { get; init; }

    /// <summary>Attach a bearer token (API calls): pacing and the one refresh after a 401 apply.</summary>
    public bool UseToken { get; init; }

    /// <summary>May be retried after 429, 500/502/503/504, timeouts and transport errors (GET and the token request).</summary>
    public bool Idempotent { get; init; }

    /// <summary>Return error responses instead of retrying them (API console): only pacing and the 401 refresh apply.</summary>
    public bool ReturnErrorResponses { get; init; }

    public IProgress<ProcoreProgress>? Progress { get; init; }

    /// <summary>Time by which every wait of this call (pacing, rate limit, back-off) must be over.</summary>
    public required DateTimeOffset Deadline { get; init; }

    public required CancellationToken CallerToken { get; init; }

    // ---- reported back by the handlers

    public int Attempts { get; set; }

    public int RateLimitRetries { get; set; }

    public int TransientRetries { get; set; }

    public TimeSpan TokenTime { get; set; }

    public bool TokenFromCache { get; set; } = true;

    public bool TokenRetried { get; set; }

    /// <summary>The wait the resilience handler decided on for the next retry.</summary>
    public TimeSpan NextDelay { get; set; }

    public ProcoreProgressKind NextDelayKind { get; set; }

    /// <summary>A wait that was not taken because it would not fit the time budget (becomes RetryAfter of the error).</summary>
    public TimeSpan? RefusedWait { get; set; }

    /// <summary>Per-attempt timeout source of the attempt whose response is returned; it bounds reading the body too.</summary>
    public CancellationTokenSource? AttemptTimeout { get; set; }

    public static ProcoreRequestContext Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var context)
            ? context
            : throw new InvalidOperationException("A Procore request was sent without its request context.");
}

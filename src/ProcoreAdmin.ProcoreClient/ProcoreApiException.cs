namespace ProcoreAdmin.ProcoreClient;

/// <summary>
/// The one exception the Procore client throws (besides <see cref="OperationCanceledException"/> for the caller's own
/// cancellation and <see cref="ArgumentException"/> for invalid arguments). Never contains tokens or secrets.
/// </summary>
public sealed class ProcoreApiException : Exception
{
    public ProcoreApiException(ProcoreErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public ProcoreErrorKind Kind { get; }

    /// <summary>HTTP status when Procore answered, otherwise null (timeouts, connection failures, refused requests).</summary>
    public int? StatusCode { get; init; }

    /// <summary>Procore's own message, parsed leniently from the body (<c>errors</c>, <c>message</c>, <c>error</c>,
    /// <c>error_description</c>, or the text of a plain or HTML body).</summary>
    public string? ProcoreMessage { get; init; }

    /// <summary>The OAuth error code (e.g. <c>invalid_client</c>) when the body or WWW-Authenticate had one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Procore's X-Request-Id, to quote to Procore support.</summary>
    public string? RequestId { get; init; }

    public RateLimitSnapshot? RateLimit { get; init; }

    /// <summary>How long to wait before trying again, when known (rate limits, Retry-After).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>HTTP method and relative path of the failed request (no query, no host, never a token).</summary>
    public string? Operation { get; init; }

    /// <summary>True when trying again later may succeed (rate limits, 5xx, timeouts, connection failures).</summary>
    public bool IsTransient => Kind is ProcoreErrorKind.RateLimited or ProcoreErrorKind.ServerError
        or ProcoreErrorKind.Timeout or ProcoreErrorKind.Unreachable;

    /// <summary>A plain-language explanation for staff.</summary>
    public string Explanation => ProcoreErrorExplainer.Explain(Kind);
}

namespace ProcoreAdmin.ProcoreClient;

/// <summary>What went wrong, in terms staff can act on.</summary>
public enum ProcoreErrorKind
{
    Unknown,

    /// <summary>Procore answered "Missing Procore-Company-Id header!".</summary>
    MissingCompanyHeader,

    /// <summary>"App is not connected to this company": the app is not installed (or was disconnected) in the company.</summary>
    AppNotConnected,

    /// <summary>The token endpoint rejected the client id or secret (<c>invalid_client</c>).</summary>
    InvalidClient,

    /// <summary>The token endpoint rejected the request for another reason (<c>invalid_grant</c>, <c>invalid_request</c>, …).</summary>
    TokenRequestRejected,

    /// <summary>The API rejected the access token (still 401 after one fresh token).</summary>
    InvalidToken,

    /// <summary>The API said the access token expired (still 401 after one fresh token).</summary>
    TokenExpired,

    RateLimited,
    Forbidden,
    NotFound,
    BadRequest,
    Conflict,
    ValidationFailed,
    ServerError,
    Timeout,
    Unreachable,
    MalformedResponse,

    /// <summary>A 3xx answer. The client never follows redirects.</summary>
    UnexpectedRedirect,

    /// <summary>The client refused to build the request (path not allow-listed, absolute URL, other host or scheme, …). Nothing was sent.</summary>
    RequestNotAllowed,

    /// <summary>The credential's secret could not be obtained (the secret provider failed).</summary>
    SecretUnavailable,
}

using Microsoft.Extensions.Logging;

namespace ProcoreAdmin.ProcoreClient.Internal;

/// <summary>Source-generated log messages. Parameters are ids, hosts, paths and numbers only: never tokens or secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Requesting a Procore token for credential {CredentialKey} ({Environment}) at {LoginHost}")]
    public static partial void TokenRequesting(this ILogger logger, string credentialKey, ProcoreEnvironment environment, string loginHost);

    [LoggerMessage(2, LogLevel.Information, "Procore token acquired for credential {CredentialKey}: expires in {ExpiresInSeconds} s, refreshed after {RefreshAt:O}, took {ElapsedMs} ms")]
    public static partial void TokenAcquired(this ILogger logger, string credentialKey, long expiresInSeconds, DateTimeOffset refreshAt, long elapsedMs);

    [LoggerMessage(3, LogLevel.Warning, "Procore token request for credential {CredentialKey} failed: {Kind} (status {StatusCode})")]
    public static partial void TokenRequestFailed(this ILogger logger, string credentialKey, ProcoreErrorKind kind, int? statusCode);

    [LoggerMessage(4, LogLevel.Information, "Procore rejected the cached token for credential {CredentialKey} on {Operation}; fetching a new token and retrying once")]
    public static partial void TokenRejectedRetrying(this ILogger logger, string credentialKey, string operation);

    [LoggerMessage(5, LogLevel.Information, "Forgot cached Procore tokens for credential {CredentialKey} (a token was cached: {HadToken})")]
    public static partial void TokensForgotten(this ILogger logger, string credentialKey, bool hadToken);

    [LoggerMessage(6, LogLevel.Information, "Revoked the Procore token of credential {CredentialKey}")]
    public static partial void TokenRevoked(this ILogger logger, string credentialKey);

    [LoggerMessage(7, LogLevel.Information, "No cached Procore token to revoke for credential {CredentialKey}")]
    public static partial void RevokeSkipped(this ILogger logger, string credentialKey);

    [LoggerMessage(8, LogLevel.Warning, "Procore answered {StatusCode} to {Operation} for credential {CredentialKey}, company {CompanyId}; waiting {WaitMs} ms before retry {Attempt}")]
    public static partial void RateLimitedWaiting(this ILogger logger, int statusCode, string operation, string credentialKey, long companyId, long waitMs, int attempt);

    [LoggerMessage(9, LogLevel.Information, "Rate-limit window of credential {CredentialKey}, company {CompanyId} is used up; pausing {WaitMs} ms")]
    public static partial void Pacing(this ILogger logger, string credentialKey, long companyId, long waitMs);

    [LoggerMessage(10, LogLevel.Warning, "{Operation} failed transiently ({Reason}); retry {Attempt} in {DelayMs} ms")]
    public static partial void TransientRetry(this ILogger logger, string operation, string reason, int attempt, long delayMs);

    [LoggerMessage(11, LogLevel.Warning, "{Operation} failed: {Kind}, status {StatusCode}, Procore request id {RequestId}")]
    public static partial void RequestFailed(this ILogger logger, string operation, ProcoreErrorKind kind, int? statusCode, string? requestId);

    [LoggerMessage(12, LogLevel.Warning, "Refused a Procore request for credential {CredentialKey}: {Reason}")]
    public static partial void RequestRefused(this ILogger logger, string credentialKey, string reason);

    [LoggerMessage(13, LogLevel.Warning, "Rate-limit wait of {WaitMs} ms for credential {CredentialKey}, company {CompanyId} exceeds the cap of {CapMs} ms; failing instead")]
    public static partial void RateLimitWaitTooLong(this ILogger logger, string credentialKey, long companyId, long waitMs, long capMs);
}

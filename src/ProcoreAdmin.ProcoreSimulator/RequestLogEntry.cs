using System.Text.Json.Serialization;

namespace ProcoreAdmin.ProcoreSimulator;

/// <summary>
/// One request the simulator answered (control endpoints under <c>/_simulator</c> are not logged).
/// Never holds a secret or token: no headers or bodies are kept, and the values of query parameters such as
/// <c>token</c>, <c>access_token</c>, <c>client_secret</c>, <c>code</c> and <c>refresh_token</c> are replaced by <c>[redacted]</c>.
/// </summary>
/// <param name="Sequence">1-based order of arrival.</param>
/// <param name="Timestamp">Arrival time from the simulator's TimeProvider.</param>
/// <param name="Path">The request path including any <c>/_env/…</c> prefix.</param>
/// <param name="Query">The query string (starting with '?', or empty), redacted.</param>
/// <param name="HasCompanyHeader">Whether a <c>Procore-Company-Id</c> header was sent.</param>
/// <param name="CompanyHeader">The header's value when present (company ids are not secret).</param>
/// <param name="StatusCode">The status sent, or 0 when the connection was dropped.</param>
/// <param name="IsTokenRequest">True for <c>POST …/oauth/token</c>.</param>
/// <param name="Environment">The environment the path belongs to.</param>
/// <param name="Fault">Injected fault kinds applied (comma-separated), or null.</param>
/// <param name="RequestId">The <c>X-Request-Id</c> sent back.</param>
public sealed record RequestLogEntry(
    long Sequence,
    DateTimeOffset Timestamp,
    string Method,
    string Path,
    string Query,
    bool HasCompanyHeader,
    string? CompanyHeader,
    int StatusCode,
    bool IsTokenRequest,
    SimulatorEnvironment Environment,
    string? Fault,
    string RequestId);

/// <summary>Counters since start or the last reset (body of <c>GET /_simulator/stats</c>).</summary>
public sealed record SimulatorStats(
    long Requests,
    long TokenRequests,
    long ApiRequests,
    long RateLimited,
    [property: JsonPropertyName("status_429")] long Status429,
    [property: JsonPropertyName("status_401")] long Status401,
    long FaultsInjected,
    long ConnectionsAccepted,
    long ActiveTokens,
    IReadOnlyDictionary<int, long> ByStatus);

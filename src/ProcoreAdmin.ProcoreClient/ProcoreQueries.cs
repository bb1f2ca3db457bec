namespace ProcoreAdmin.ProcoreClient;

public enum ProjectsApiVersion
{
    /// <summary><c>/rest/v1.0/projects</c>.</summary>
    V1_0,

    /// <summary><c>/rest/v1.1/projects</c> (max 300 per page).</summary>
    V1_1,
}

/// <summary><c>filters[by_status]</c>. Procore returns only active projects when no status is sent.</summary>
public enum ProjectStatusFilter
{
    Active,
    Inactive,
    All,
}

public enum ProjectSort
{
    Name,
    NameDescending,
    DisplayName,
    DisplayNameDescending,
}

/// <summary>Filters and paging for the project lists.</summary>
public sealed record ProjectQuery
{
    public ProjectsApiVersion Version { get; init; } = ProjectsApiVersion.V1_1;

    /// <summary>null sends no filter (Procore then lists active projects only).</summary>
    public ProjectStatusFilter? Status { get; init; }

    /// <summary><c>filters[name]</c>: a matching string.</summary>
    public string? Name { get; init; }

    public ProjectSort? Sort { get; init; }

    /// <summary>1-based page. For <see cref="IProcoreClient.GetAllProjectsAsync"/> the first page to read.</summary>
    public int Page { get; init; } = 1;

    public int PerPage { get; init; } = 100;
}

/// <summary>Paging for the company-user and office lists.</summary>
public sealed record PageQuery(int Page = 1, int PerPage = 100);

/// <summary>One page of a Procore list plus what the paging headers said.</summary>
public sealed record ProcorePage<T>(IReadOnlyList<T> Items, int Page, int PerPage, long? Total)
{
    /// <summary>True when Procore's Link header had <c>rel="next"</c> (or, without Link, when Total says more items exist).</summary>
    public bool HasNextPage { get; init; }

    /// <summary>The page to ask for next (from the Link header's next URL, else Page + 1); null on the last page.</summary>
    public int? NextPage { get; init; }

    /// <summary>Last page number from the Link header, or computed from Total.</summary>
    public int? LastPage { get; init; }

    public RateLimitSnapshot? RateLimit { get; init; }

    public string? RequestId { get; init; }
}

public enum ProcoreProgressKind
{
    /// <summary>A page of a streamed list arrived.</summary>
    PageFetched,

    /// <summary>The client is waiting for a rate-limit window to reset (429 or Remaining = 0).</summary>
    WaitingForRateLimit,

    /// <summary>The client is waiting before retrying a transient failure (502/503/504, timeout, connection error).</summary>
    WaitingToRetry,
}

/// <summary>What the client is doing, for a UI ("waiting for rate limit, 7 s").</summary>
public sealed record ProcoreProgress(ProcoreProgressKind Kind, string Message)
{
    /// <summary>The wait about to start (waits only).</summary>
    public TimeSpan? Wait { get; init; }

    /// <summary>When the wait ends (waits only).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The status that caused the wait, if any (429, 503, …).</summary>
    public int? StatusCode { get; init; }

    /// <summary>The retry number this wait precedes (waits only).</summary>
    public int Attempt { get; init; }

    public int PagesFetched { get; init; }

    public long ItemsFetched { get; init; }

    public long? Total { get; init; }
}

/// <summary>A call from the API console. The path must be one of the allow-listed GET paths, relative to the API base.</summary>
/// <param name="PathAndQuery">e.g. <c>/rest/v1.0/me</c> or <c>/rest/v1.1/projects?company_id=1&amp;page=2</c>.</param>
/// <param name="CompanyId">Sent as Procore-Company-Id unless <see cref="OmitCompanyHeader"/> is set.</param>
public sealed record ProcoreRawRequest(string PathAndQuery, long CompanyId)
{
    /// <summary>Leave out Procore-Company-Id, to show staff what Procore answers without it.</summary>
    public bool OmitCompanyHeader { get; init; }
}

/// <summary>What Procore answered to a console call. Never contains the access token or the secret.</summary>
public sealed record ProcoreRawResponse
{
    public required int StatusCode { get; init; }

    public string? ReasonPhrase { get; init; }

    public required string Method { get; init; }

    /// <summary>The full request URL (API host, path and the normalized query).</summary>
    public required Uri RequestUrl { get; init; }

    /// <summary>Request headers as sent, with Authorization redacted.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; }

    public string? ContentType { get; init; }

    public required string Body { get; init; }

    public bool BodyTruncated { get; init; }

    /// <summary>Time spent getting the access token (near zero when cached).</summary>
    public TimeSpan TokenAcquisitionTime { get; init; }

    public bool TokenFromCache { get; init; }

    /// <summary>Round trip of the HTTP request itself, response body included; excludes token acquisition and pacing waits.</summary>
    public TimeSpan RoundTripTime { get; init; }

    /// <summary>Everything, waits included.</summary>
    public TimeSpan TotalTime { get; init; }

    public string? RequestId { get; init; }

    public RateLimitSnapshot? RateLimit { get; init; }

    public bool CompanyHeaderSent { get; init; }

    /// <summary>HTTP attempts made (2 when a 401 led to a fresh token and one retry).</summary>
    public int Attempts { get; init; }

    public DateTimeOffset SentAt { get; init; }
}

/// <summary>The outcome of a forced token fetch ("verify now"). Never contains the token.</summary>
public sealed record TokenCheckResult(
    ProcoreEnvironment Environment,
    string LoginHost,
    DateTimeOffset AcquiredAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset RefreshAt,
    TimeSpan ExpiresIn,
    TimeSpan Elapsed,
    string? TokenType);

/// <summary>An access token handed out from the cache. <see cref="ToString"/> never prints the value.</summary>
public sealed record ProcoreAccessToken(string Value, string? TokenType, DateTimeOffset ExpiresAt, bool FromCache)
{
    public override string ToString() => $"ProcoreAccessToken {{ Value = [redacted], ExpiresAt = {ExpiresAt:O}, FromCache = {FromCache} }}";
}

namespace ProcoreAdmin.ProcoreClient;

/// <summary>
/// Typed Procore REST client for DMSA (client-credentials) credentials. Every API call carries
/// <c>Procore-Company-Id</c>; tokens are cached per credential and fetched single-flight; rate limits are paced and
/// waited out (bounded); failures surface as <see cref="ProcoreApiException"/>.
/// </summary>
/// <remarks>
/// Every call takes an optional <c>progress</c> (last parameter, except for <see cref="GetAllProjectsAsync"/>) that is
/// told about rate-limit and retry waits so a UI can show them. It is invoked synchronously on the calling flow.
/// </remarks>
public interface IProcoreClient
{
    Task<ProcoreMe> GetMeAsync(ProcoreCredential credential, long companyId, CancellationToken ct = default,
        IProgress<ProcoreProgress>? progress = null);

    /// <summary>All companies the app is installed in (every page).</summary>
    Task<IReadOnlyList<ProcoreCompany>> GetCompaniesAsync(ProcoreCredential credential, long companyId, CancellationToken ct = default,
        IProgress<ProcoreProgress>? progress = null);

    Task<ProcorePage<ProcoreProject>> GetProjectsPageAsync(ProcoreCredential credential, long companyId, ProjectQuery query,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null);

    /// <summary>Streams every project from <see cref="ProjectQuery.Page"/> on, following Link/Total.</summary>
    IAsyncEnumerable<ProcoreProject> GetAllProjectsAsync(ProcoreCredential credential, long companyId, ProjectQuery query,
        IProgress<ProcoreProgress>? progress = null, CancellationToken ct = default);

    Task<ProcoreProject> GetProjectAsync(ProcoreCredential credential, long companyId, long projectId, CancellationToken ct = default,
        IProgress<ProcoreProgress>? progress = null);

    Task<ProcorePage<ProcoreCompanyUser>> GetCompanyUsersPageAsync(ProcoreCredential credential, long companyId, PageQuery query,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null);

    Task<ProcorePage<ProcoreOffice>> GetOfficesPageAsync(ProcoreCredential credential, long companyId, PageQuery query,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null);

    /// <summary>
    /// API console call: one allow-listed GET, returned whatever the status (no exception for 4xx/5xx, no 5xx/429
    /// retries, so staff see exactly what Procore answered). Pacing and the one-time 401 token refresh still apply.
    /// Throws <see cref="ProcoreApiException"/> for refused paths, token failures, timeouts and connection failures.
    /// </summary>
    Task<ProcoreRawResponse> SendRawAsync(ProcoreCredential credential, ProcoreRawRequest request, CancellationToken ct = default,
        IProgress<ProcoreProgress>? progress = null);

    /// <summary>Fetches a new token now (replacing any cached one) and reports timing and expiry — never the token.</summary>
    Task<TokenCheckResult> AcquireTokenAsync(ProcoreCredential credential, CancellationToken ct = default);

    /// <summary>
    /// Evicts the cached token of the credential and revokes it at <c>POST /oauth/revoke</c> on the credential's login
    /// host. Does nothing remotely when no token is cached. Never retried.
    /// </summary>
    Task RevokeAsync(ProcoreCredential credential, CancellationToken ct = default);

    /// <summary>
    /// The access token for the credential from the same single-flight cache the typed calls use: a cached token while it
    /// is fresh, otherwise one shared token request for all concurrent callers. For handing a token to another service
    /// (the token broker); the caller must never log or store <see cref="ProcoreAccessToken.Value"/>.
    /// </summary>
    Task<ProcoreAccessToken> GetAccessTokenAsync(ProcoreCredential credential, CancellationToken ct = default);

    /// <summary>
    /// Drops <paramref name="accessToken"/> if it is still the cached token of the credential (someone saw Procore reject
    /// it); the next request fetches a new one. A token that is no longer cached changes nothing.
    /// </summary>
    void InvalidateAccessToken(string credentialKey, string accessToken);

    /// <summary>Evicts cached tokens of a credential (e.g. after secret rotation). A fetch in flight is not cached.</summary>
    void ForgetTokens(string credentialKey);

    /// <summary>The rate-limit headers of the latest response seen for the credential (any company), or null.</summary>
    RateLimitSnapshot? GetRateLimitSnapshot(string credentialKey);
}

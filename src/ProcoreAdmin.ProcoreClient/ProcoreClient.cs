using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProcoreAdmin.ProcoreClient.Internal;
using ProcoreAdmin.ProcoreClient.Pipeline;

namespace ProcoreAdmin.ProcoreClient;

/// <summary>
/// The typed Procore client: typed calls, paging and error mapping. One instance (singleton) per application: it owns
/// the token cache and the rate-limit state. Retries, waits and token refreshes happen in the handler pipeline of its
/// named <see cref="HttpClient"/> (registered by <c>AddProcoreClient</c>), outermost first:
/// <list type="bullet">
/// <item>resilience handler (<see cref="ProcoreResilience"/>): 429 waits for X-Rate-Limit-Reset / Retry-After with jitter;
/// 500/502/503/504, timeouts and transport errors back off — idempotent requests only (GET, the token request), within
/// the call's time budget (<see cref="ProcoreTimeBudget"/>); POSTs such as revoke are never retried;</item>
/// <item>pacing handler: while the app's shared quota is known to be used up, wait until it rolls;</item>
/// <item>auth handler: the bearer token is taken after any pacing wait; a 401 drops it, fetches one new token and retries once;</item>
/// <item>attempt-timeout handler, then the primary <see cref="SocketsHttpHandler"/>.</item>
/// </list>
/// Everything that still fails becomes a <see cref="ProcoreApiException"/>.
/// </summary>
public sealed class ProcoreClient : IProcoreClient
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client (tests replace its primary handler).</summary>
    public const string HttpClientName = "ProcoreAdmin.ProcoreClient";

    private const string CompanyHeader = "Procore-Company-Id";
    private const int MaxErrorBodyChars = 64 * 1024;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ProcoreClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ProcoreClient> _logger;
    private readonly TokenCache _tokens;
    private readonly RateLimitTracker _rateLimits;
    private readonly Random _random;

    public ProcoreClient(IHttpClientFactory httpClientFactory, IOptions<ProcoreClientOptions> options, TimeProvider timeProvider,
        ILogger<ProcoreClient> logger)
    {
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _tokens = new TokenCache(timeProvider);
        _rateLimits = new RateLimitTracker(_options.SpikeWindow);
        _random = _options.JitterSeed is { } seed ? new Random(seed) : new Random();
    }

    // ------------------------------------------------------------------ typed calls

    public async Task<ProcoreMe> GetMeAsync(ProcoreCredential credential, long companyId, CancellationToken ct = default,
        IProgress<ProcoreProgress>? progress = null)
    {
        var target = Target("rest/v1.0/me", ("company_id", Id(companyId)));
        using var response = await SendAsync(ApiPlan(credential, companyId, target, progress), ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, ProcoreJsonContext.Default.ProcoreMe).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ProcoreCompany>> GetCompaniesAsync(ProcoreCredential credential, long companyId,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null)
    {
        var all = new List<ProcoreCompany>();
        var page = 1;
        for (var fetched = 0; fetched < _options.MaxPages; fetched++)
        {
            var target = Target("rest/v1.0/companies", ("page", Id(page)), ("per_page", Id(_options.DefaultPerPage)));
            var result = await GetPageAsync(credential, companyId, target, page, _options.DefaultPerPage,
                ProcoreJsonContext.Default.ListProcoreCompany, progress, ct).ConfigureAwait(false);
            all.AddRange(result.Items);
            if (!TryAdvance(result, ref page))
            {
                break;
            }
        }

        return all;
    }

    public Task<ProcorePage<ProcoreProject>> GetProjectsPageAsync(ProcoreCredential credential, long companyId, ProjectQuery query,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ValidatePaging(query.Page, query.PerPage, query.Version == ProjectsApiVersion.V1_1 ? 300 : 1000);
        return GetPageAsync(credential, companyId, ProjectsTarget(companyId, query, query.Page), query.Page, query.PerPage,
            ProcoreJsonContext.Default.ListProcoreProject, progress, ct);
    }

    public async IAsyncEnumerable<ProcoreProject> GetAllProjectsAsync(ProcoreCredential credential, long companyId, ProjectQuery query,
        IProgress<ProcoreProgress>? progress = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ValidatePaging(query.Page, query.PerPage, query.Version == ProjectsApiVersion.V1_1 ? 300 : 1000);
        var page = query.Page;
        long itemsFetched = 0;
        for (var pagesFetched = 1; pagesFetched <= _options.MaxPages; pagesFetched++)
        {
            var result = await GetPageAsync(credential, companyId, ProjectsTarget(companyId, query, page), page, query.PerPage,
                ProcoreJsonContext.Default.ListProcoreProject, progress, ct).ConfigureAwait(false);
            itemsFetched += result.Items.Count;
            progress?.Report(new ProcoreProgress(ProcoreProgressKind.PageFetched,
                result.Total is { } total
                    ? $"Fetched page {page}: {itemsFetched} of {total} projects"
                    : $"Fetched page {page}: {itemsFetched} projects")
            {
                PagesFetched = pagesFetched,
                ItemsFetched = itemsFetched,
                Total = result.Total,
            });

            foreach (var project in result.Items)
            {
                yield return project;
            }

            if (!TryAdvance(result, ref page))
            {
                yield break;
            }
        }
    }

    public async Task<ProcoreProject> GetProjectAsync(ProcoreCredential credential, long companyId, long projectId,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(projectId);
        var target = Target($"rest/v1.0/projects/{Id(projectId)}", ("company_id", Id(companyId)));
        using var response = await SendAsync(ApiPlan(credential, companyId, target, progress), ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, ProcoreJsonContext.Default.ProcoreProject).ConfigureAwait(false);
    }

    public Task<ProcorePage<ProcoreCompanyUser>> GetCompanyUsersPageAsync(ProcoreCredential credential, long companyId, PageQuery query,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ValidatePaging(query.Page, query.PerPage, 1000);
        var target = Target($"rest/v1.0/companies/{Id(companyId)}/users", ("page", Id(query.Page)), ("per_page", Id(query.PerPage)));
        return GetPageAsync(credential, companyId, target, query.Page, query.PerPage,
            ProcoreJsonContext.Default.ListProcoreCompanyUser, progress, ct);
    }

    public Task<ProcorePage<ProcoreOffice>> GetOfficesPageAsync(ProcoreCredential credential, long companyId, PageQuery query,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ValidatePaging(query.Page, query.PerPage, 1000);
        var target = Target("rest/v1.0/offices", ("company_id", Id(companyId)), ("page", Id(query.Page)), ("per_page", Id(query.PerPage)));
        return GetPageAsync(credential, companyId, target, query.Page, query.PerPage,
            ProcoreJsonContext.Default.ListProcoreOffice, progress, ct);
    }

    // ------------------------------------------------------------------ console

    public async Task<ProcoreRawResponse> SendRawAsync(ProcoreCredential credential, ProcoreRawRequest request,
        CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(request);
        RelativeTarget target;
        try
        {
            target = RequestGuard.ParseConsolePath(request.PathAndQuery);
        }
        catch (ProcoreApiException ex)
        {
            _logger.RequestRefused(credential.Key, ex.Message);
            throw;
        }

        var started = _time.GetTimestamp();
        var sentAt = _time.GetUtcNow();
        var plan = ApiPlan(credential, request.CompanyId, target, progress, requireCompany: !request.OmitCompanyHeader) with
        {
            SendCompanyHeader = !request.OmitCompanyHeader,
            Idempotent = false,
            ReturnErrorResponses = true,
        };
        using var response = await SendAsync(plan, ct).ConfigureAwait(false);
        var (body, truncated) = await ReadTextAsync(response, _options.MaxRawBodyChars).ConfigureAwait(false);
        // The token is taken inside the pipeline (after any pacing wait); its time is reported separately.
        var roundTrip = _time.GetElapsedTime(response.SendStarted) - response.TokenTime;

        var http = response.Message;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in http.Headers)
        {
            headers.Add(new(header.Key, string.Join(", ", header.Value)));
        }

        foreach (var header in http.Content.Headers)
        {
            headers.Add(new(header.Key, string.Join(", ", header.Value)));
        }

        return new ProcoreRawResponse
        {
            StatusCode = (int)http.StatusCode,
            ReasonPhrase = http.ReasonPhrase,
            Method = "GET",
            RequestUrl = response.Url,
            RequestHeaders = response.RequestHeaders,
            ResponseHeaders = headers,
            ContentType = http.Content.Headers.ContentType?.ToString(),
            Body = body,
            BodyTruncated = truncated,
            TokenAcquisitionTime = response.TokenTime,
            TokenFromCache = response.TokenFromCache,
            RoundTripTime = roundTrip,
            TotalTime = _time.GetElapsedTime(started),
            RequestId = response.RequestId,
            RateLimit = response.RateLimit,
            CompanyHeaderSent = plan.SendCompanyHeader,
            Attempts = response.Attempts,
            SentAt = sentAt,
        };
    }

    // ------------------------------------------------------------------ tokens

    public async Task<TokenCheckResult> AcquireTokenAsync(ProcoreCredential credential, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var hosts = ResolveHosts(credential);
        var fingerprint = TokenCache.FingerprintOf(credential, hosts);
        var (token, _) = await _tokens.GetAsync(credential, fingerprint, forceRefresh: true,
            _ => FetchTokenAsync(credential, hosts), ct).ConfigureAwait(false);
        return new TokenCheckResult(credential.Environment, hosts.LoginBaseUrl.Host, token.AcquiredAt, token.ExpiresAt,
            token.RefreshAt, token.ExpiresAt - token.AcquiredAt, token.FetchDuration, token.TokenType);
    }

    public async Task<ProcoreAccessToken> GetAccessTokenAsync(ProcoreCredential credential, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var hosts = ResolveHosts(credential);
        var fingerprint = TokenCache.FingerprintOf(credential, hosts);
        var (token, fromCache) = await _tokens.GetAsync(credential, fingerprint, forceRefresh: false,
            _ => FetchTokenAsync(credential, hosts), ct).ConfigureAwait(false);
        return new ProcoreAccessToken(token.Value, token.TokenType, token.ExpiresAt, fromCache);
    }

    public void InvalidateAccessToken(string credentialKey, string accessToken)
    {
        ArgumentNullException.ThrowIfNull(credentialKey);
        ArgumentNullException.ThrowIfNull(accessToken);
        if (_tokens.Peek(credentialKey) is { } cached
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(cached.Value), Encoding.UTF8.GetBytes(accessToken)))
        {
            _tokens.Invalidate(credentialKey, cached);
            _logger.TokensForgotten(credentialKey, true);
        }
    }

    public async Task RevokeAsync(ProcoreCredential credential, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var hosts = ResolveHosts(credential);

        // Evict first, so that no request goes out with this token once revocation has started.
        var token = _tokens.Forget(credential.Key);
        _logger.TokensForgotten(credential.Key, token is not null);
        if (token is null || token.Fingerprint != TokenCache.FingerprintOf(credential, hosts))
        {
            // No token, or one minted for other hosts / another client id: never send this secret elsewhere.
            _logger.RevokeSkipped(credential.Key);
            return;
        }

        var secret = await GetSecretAsync(credential, ct).ConfigureAwait(false);
        var url = RequestGuard.Combine(hosts.LoginBaseUrl, new RelativeTarget("oauth/revoke", []));
        var plan = new RequestPlan(credential, hosts, HttpMethod.Post, url, "POST oauth/revoke")
        {
            Content = () => new FormUrlEncodedContent(
            [
                new("token", token.Value),
                new("client_id", credential.ClientId),
                new("client_secret", secret),
            ]),
        };
        using var response = await SendAsync(plan, ct).ConfigureAwait(false);
        _logger.TokenRevoked(credential.Key);
    }

    public void ForgetTokens(string credentialKey)
    {
        ArgumentNullException.ThrowIfNull(credentialKey);
        var previous = _tokens.Forget(credentialKey);
        _logger.TokensForgotten(credentialKey, previous is not null);
    }

    public RateLimitSnapshot? GetRateLimitSnapshot(string credentialKey)
    {
        ArgumentNullException.ThrowIfNull(credentialKey);
        return _rateLimits.Latest(credentialKey);
    }

    internal async Task<CachedToken> FetchTokenAsync(ProcoreCredential credential, ProcoreHosts hosts)
    {
        // Runs detached from any one caller (single flight); bounded by the per-attempt timeout and retry counts.
        _logger.TokenRequesting(credential.Key, credential.Environment, hosts.LoginBaseUrl.Host);
        using var tokenActivity = ProcoreTelemetry.StartTokenFetch(credential.Key, credential.Environment.ToString());
        var secret = await GetSecretAsync(credential, CancellationToken.None).ConfigureAwait(false);
        var url = RequestGuard.Combine(hosts.LoginBaseUrl, new RelativeTarget("oauth/token", []));
        var started = _time.GetTimestamp();
        var requestedAt = _time.GetUtcNow();
        var plan = new RequestPlan(credential, hosts, HttpMethod.Post, url, "POST oauth/token")
        {
            Content = () => new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_id", credential.ClientId),
                new("client_secret", secret),
            ]),
            Idempotent = true, // the token request is the one POST that may be retried
            TokenEndpoint = true,
        };

        try
        {
            using var response = await SendAsync(plan, CancellationToken.None).ConfigureAwait(false);
            var body = await ReadJsonAsync(response, ProcoreJsonContext.Default.TokenResponse).ConfigureAwait(false);
            if (string.IsNullOrEmpty(body.AccessToken) || body.ExpiresIn is not > 0)
            {
                throw new ProcoreApiException(ProcoreErrorKind.MalformedResponse,
                    "Procore's token response had no access_token or no positive expires_in.")
                {
                    StatusCode = (int)response.Message.StatusCode,
                    RequestId = response.RequestId,
                    Operation = plan.Operation,
                };
            }

            // Lifetime comes from the response, measured from when we sent the request (conservative, local clock).
            var lifetime = TimeSpan.FromSeconds(body.ExpiresIn.Value);
            var skew = TimeSpan.FromTicks(Math.Min(_options.TokenRefreshSkew.Ticks,
                (long)(lifetime.Ticks * _options.MaxTokenRefreshSkewFraction)));
            var elapsed = _time.GetElapsedTime(started);
            var token = new CachedToken(body.AccessToken, body.TokenType, TokenCache.FingerprintOf(credential, hosts),
                requestedAt, requestedAt + lifetime, requestedAt + lifetime - skew, elapsed);
            _logger.TokenAcquired(credential.Key, body.ExpiresIn.Value, token.RefreshAt, (long)elapsed.TotalMilliseconds);
            return token;
        }
        catch (ProcoreApiException ex)
        {
            _logger.TokenRequestFailed(credential.Key, ex.Kind, ex.StatusCode);
            throw;
        }
    }

    private static async Task<string> GetSecretAsync(ProcoreCredential credential, CancellationToken ct)
    {
        string secret;
        try
        {
            secret = await credential.SecretProvider(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not ProcoreApiException)
        {
            throw new ProcoreApiException(ProcoreErrorKind.SecretUnavailable,
                $"The client secret of credential '{credential.Key}' could not be read.", ex);
        }

        if (string.IsNullOrEmpty(secret))
        {
            throw new ProcoreApiException(ProcoreErrorKind.SecretUnavailable,
                $"The client secret of credential '{credential.Key}' is empty.");
        }

        return secret;
    }

    // ------------------------------------------------------------------ paging

    private async Task<ProcorePage<T>> GetPageAsync<T>(ProcoreCredential credential, long companyId, RelativeTarget target,
        int page, int perPage, JsonTypeInfo<List<T>> typeInfo, IProgress<ProcoreProgress>? progress, CancellationToken ct)
    {
        using var response = await SendAsync(ApiPlan(credential, companyId, target, progress), ct).ConfigureAwait(false);
        var items = await ReadJsonAsync(response, typeInfo).ConfigureAwait(false);
        var headers = response.Message.Headers;
        var total = PagingHeaders.ReadLong(headers, "Total");
        var perPageUsed = (int)Math.Clamp(PagingHeaders.ReadLong(headers, "Per-Page") ?? perPage, 1, int.MaxValue);
        var link = PagingHeaders.ReadLink(headers);

        bool hasNext;
        if (items.Count == 0)
        {
            hasNext = false; // a page past the end is 200 [] — stop
        }
        else if (link.Present)
        {
            hasNext = link.HasNext;
        }
        else if (total is { } t)
        {
            hasNext = (long)page * perPageUsed < t;
        }
        else
        {
            hasNext = items.Count >= perPageUsed;
        }

        var lastPage = link.LastPage
                       ?? (total is { } all ? (int)Math.Min(int.MaxValue, Math.Max(1, (all + perPageUsed - 1) / perPageUsed)) : null);
        return new ProcorePage<T>(items, page, perPageUsed, total)
        {
            HasNextPage = hasNext,
            NextPage = hasNext ? link.NextPage ?? page + 1 : null,
            LastPage = lastPage,
            RateLimit = response.RateLimit,
            RequestId = response.RequestId,
        };
    }

    private static bool TryAdvance<T>(ProcorePage<T> result, ref int page)
    {
        if (!result.HasNextPage || result.NextPage is not { } next || next <= page)
        {
            return false;
        }

        page = next;
        return true;
    }

    private static RelativeTarget ProjectsTarget(long companyId, ProjectQuery query, int page)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("company_id", Id(companyId)),
            new("page", Id(page)),
            new("per_page", Id(query.PerPage)),
        };
        if (query.Status is { } status)
        {
            parameters.Add(new("filters[by_status]", status.ToString()));
        }

        if (!string.IsNullOrWhiteSpace(query.Name))
        {
            parameters.Add(new("filters[name]", query.Name.Trim()));
        }

        if (query.Sort is { } sort)
        {
            parameters.Add(new("sort", sort switch
            {
                ProjectSort.Name => "name",
                ProjectSort.NameDescending => "-name",
                ProjectSort.DisplayName => "display_name",
                ProjectSort.DisplayNameDescending => "-display_name",
                _ => throw new ArgumentOutOfRangeException(nameof(query), sort, "Unknown sort."),
            }));
        }

        var version = query.Version switch
        {
            ProjectsApiVersion.V1_0 => "v1.0",
            ProjectsApiVersion.V1_1 => "v1.1",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Version, "Unknown projects API version."),
        };
        return new RelativeTarget($"rest/{version}/projects", parameters);
    }

    private static void ValidatePaging(int page, int perPage, int maxPerPage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perPage, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(perPage, maxPerPage);
    }

    // ------------------------------------------------------------------ the request loop

    private sealed record RequestPlan(ProcoreCredential Credential, ProcoreHosts Hosts, HttpMethod Method, Uri Url, string Operation)
    {
        public long CompanyId { get; init; }

        public bool SendCompanyHeader { get; init; }

        /// <summary>Send a bearer token (API calls), with pacing and the one-time 401 refresh.</summary>
        public bool UseToken { get; init; }

        public Func<HttpContent>? Content { get; init; }

        /// <summary>May be retried after 429/502/503/504, timeouts and transport errors.</summary>
        public bool Idempotent { get; init; }

        /// <summary>Return non-success responses instead of throwing (API console).</summary>
        public bool ReturnErrorResponses { get; init; }

        public bool TokenEndpoint { get; init; }

        public IProgress<ProcoreProgress>? Progress { get; init; }
    }

    private RequestPlan ApiPlan(ProcoreCredential credential, long companyId, RelativeTarget target, IProgress<ProcoreProgress>? progress,
        bool requireCompany = true)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (requireCompany)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        }

        var hosts = ResolveHosts(credential);
        var url = RequestGuard.Combine(hosts.ApiBaseUrl, target);
        return new RequestPlan(credential, hosts, HttpMethod.Get, url, "GET " + target.Path)
        {
            CompanyId = companyId,
            SendCompanyHeader = true,
            UseToken = true,
            Idempotent = true,
            Progress = progress,
        };
    }

    private ProcoreHosts ResolveHosts(ProcoreCredential credential)
    {
        if (credential.Environment == ProcoreEnvironment.Custom && !_options.AllowCustomEnvironment)
        {
            _logger.RequestRefused(credential.Key, "custom environment disabled");
            throw new ProcoreApiException(ProcoreErrorKind.RequestNotAllowed,
                "Request refused before sending: custom Procore environments are disabled.");
        }

        try
        {
            return credential.Hosts;
        }
        catch (ArgumentException ex)
        {
            _logger.RequestRefused(credential.Key, "invalid custom base URL");
            throw new ProcoreApiException(ProcoreErrorKind.RequestNotAllowed, "Request refused before sending: " + ex.Message);
        }
    }

    private async Task<ResponseLease> SendAsync(RequestPlan plan, CancellationToken ct)
    {
        // Defence in depth: the URL was built from an allow-listed relative path; check again that it is on the right host.
        RequestGuard.EnsureWithin(plan.UseToken ? plan.Hosts.ApiBaseUrl : plan.Hosts.LoginBaseUrl, plan.Url);
        ct.ThrowIfCancellationRequested();

        var client = _httpClientFactory.CreateClient(HttpClientName);
        var context = new ProcoreRequestContext
        {
            Owner = this,
            Credential = plan.Credential,
            Hosts = plan.Hosts,
            Operation = plan.Operation,
            CompanyId = plan.CompanyId,
            UseToken = plan.UseToken,
            Idempotent = plan.Idempotent,
            ReturnErrorResponses = plan.ReturnErrorResponses,
            Progress = plan.Progress,
            Deadline = _time.GetUtcNow() + (ProcoreTimeBudget.Current ?? _options.InteractiveTimeBudget),
            CallerToken = ct,
        };

        var requestHeaders = new List<KeyValuePair<string, string>>(4);
        using var request = new HttpRequestMessage(plan.Method, plan.Url);
        request.Options.Set(ProcoreRequestContext.Key, context);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        requestHeaders.Add(new("Accept", "application/json"));
        requestHeaders.Add(new("User-Agent", _options.UserAgent));
        if (plan.UseToken)
        {
            requestHeaders.Add(new("Authorization", "Bearer [redacted]"));
        }

        if (plan.SendCompanyHeader)
        {
            var companyId = Id(plan.CompanyId);
            request.Headers.TryAddWithoutValidation(CompanyHeader, companyId);
            requestHeaders.Add(new(CompanyHeader, companyId));
        }

        if (plan.Content is not null)
        {
            request.Content = plan.Content();
        }

        var sendStarted = _time.GetTimestamp();
        HttpResponseMessage message;
        try
        {
            message = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            context.AttemptTimeout?.Dispose();
            ct.ThrowIfCancellationRequested(); // surface the caller's own token
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or TimeoutException)
        {
            context.AttemptTimeout?.Dispose();
            var kind = ex is OperationCanceledException or TimeoutException ? ProcoreErrorKind.Timeout : ProcoreErrorKind.Unreachable;
            var cause = ex is ProcoreAttemptTimeoutException { InnerException: { } inner } ? inner : ex;
            _logger.RequestFailed(plan.Operation, kind, null, null);
            throw new ProcoreApiException(kind, kind == ProcoreErrorKind.Timeout
                ? $"Procore did not answer {plan.Operation} within {_options.RequestTimeout.TotalSeconds:0.#} s."
                : $"Procore could not be reached for {plan.Operation} ({plan.Url.Host}): {Describe(cause)}", cause)
            {
                Operation = plan.Operation,
                RateLimit = plan.UseToken ? _rateLimits.Latest(plan.Credential.Key) : null,
            };
        }

        var now = _time.GetUtcNow();
        var snapshot = RateLimitTracker.Parse(message.Headers, now, plan.SendCompanyHeader ? plan.CompanyId : null);
        var lease = new ResponseLease(message, context.AttemptTimeout, ct, plan.Url, requestHeaders, sendStarted)
        {
            RateLimit = snapshot,
            RequestId = RequestIdOf(message),
            Attempts = context.Attempts,
            TokenTime = context.TokenTime,
            TokenFromCache = context.TokenFromCache,
            Operation = plan.Operation,
        };

        if (message.IsSuccessStatusCode || plan.ReturnErrorResponses)
        {
            return lease;
        }

        using (lease)
        {
            var retryAfter = context.RefusedWait ?? RateLimitTracker.ParseRetryAfter(message.Headers, now)
                             ?? (snapshot?.ResetAt is { } reset && reset > now && (int)message.StatusCode == 429 ? reset - now : null);
            throw await CreateHttpExceptionAsync(lease, plan, retryAfter, context.Attempts).ConfigureAwait(false);
        }
    }

    /// <summary>The pacing handler's wait: while the app's quota is known to be used up, wait (within the budget).</summary>
    /// <summary>
    /// Waits until the rate-limit tracker lets this request leave (see <see cref="RateLimitTracker"/>), and returns the
    /// request's place in the tracker's log (null when pacing is off). Fails at once with
    /// <see cref="ProcoreErrorKind.RateLimited"/> when the wait would not fit the cap or the call's time budget.
    /// </summary>
    private static readonly TimeSpan MinimumPacingWait = TimeSpan.FromMilliseconds(1);

    internal async Task<OwnRequest?> PaceAsync(ProcoreRequestContext context, CancellationToken ct)
    {
        if (!_options.PaceOnRemainingZero)
        {
            return null;
        }

        var credentialKey = context.Credential.Key;

        // Each round waits a positive time, so this cannot spin; the count bound is belt and
        // braces (a busy shared window can take one round per own request that leaves it).
        for (var round = 1; ; round++)
        {
            var now = _time.GetUtcNow();
            var decision = _rateLimits.TryReserve(credentialKey, now, _options.RateLimitReserve);
            if (decision.Go)
            {
                return decision.Ticket;
            }

            // Timers have millisecond resolution: a shorter wait would end at once and spin until the clock caught up.
            var w = decision.Wait < MinimumPacingWait ? MinimumPacingWait : decision.Wait;
            if (round > 1000)
            {
                // Far too many rounds (a clock that does not move?): go, still recorded in the tracker's log.
                return _rateLimits.Reserve(credentialKey, now);
            }

            if (w > _options.MaxRateLimitWait || now + w > context.Deadline)
            {
                var cap = w > _options.MaxRateLimitWait ? _options.MaxRateLimitWait : context.Deadline - now;
                _logger.RateLimitWaitTooLong(credentialKey, context.CompanyId, (long)w.TotalMilliseconds, (long)Math.Max(0, cap.TotalMilliseconds));
                throw new ProcoreApiException(ProcoreErrorKind.RateLimited,
                    $"Procore's rate limit for this app is used up; it resets in {Seconds(w)} s, " +
                    $"longer than the {Seconds(cap)} s this call may still wait.")
                {
                    RetryAfter = w,
                    RateLimit = _rateLimits.Latest(credentialKey),
                    StatusCode = 429,
                    Operation = context.Operation,
                };
            }

            // Jitter only where callers would otherwise resume together (a reset, a 429); the moment an own request
            // leaves the window is this process's own history.
            var total = decision.Reason is PacingReason.Reset or PacingReason.Blocked ? w + Jitter() : w;
            _logger.Pacing(credentialKey, context.CompanyId, (long)total.TotalMilliseconds);
            ProcoreTelemetry.RecordPacingWait(credentialKey, total);
            ReportWait(context.Progress, ProcoreProgressKind.WaitingForRateLimit, total, null, round);
            await Task.Delay(total, _time, ct).ConfigureAwait(false);
        }
    }

    internal void ReportWait(IProgress<ProcoreProgress>? progress, ProcoreProgressKind kind, TimeSpan wait, int? status, int attempt) =>
        progress?.Report(new ProcoreProgress(kind, kind == ProcoreProgressKind.WaitingForRateLimit
            ? $"Waiting for rate limit, {Seconds(wait)} s"
            : $"Procore is unavailable; retrying in {Seconds(wait)} s")
        {
            Wait = wait,
            Until = _time.GetUtcNow() + wait,
            StatusCode = status,
            Attempt = attempt,
        });

    internal TimeSpan Backoff(int attempt)
    {
        // Exponential with "equal jitter": half fixed, half random, capped.
        var exp = Math.Min(_options.MaxBackoff.Ticks, _options.BaseBackoff.Ticks * (1L << Math.Clamp(attempt - 1, 0, 20)));
        return TimeSpan.FromTicks(exp / 2 + (long)(NextRandom() * (exp / 2)));
    }

    internal TimeSpan Jitter() => _options.MaxJitter <= TimeSpan.Zero
        ? TimeSpan.Zero
        : TimeSpan.FromTicks((long)(NextRandom() * _options.MaxJitter.Ticks));

    private double NextRandom()
    {
        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    // ---- what the pipeline's handlers use

    internal TimeProvider Time => _time;

    internal ProcoreClientOptions Options => _options;

    internal ILogger Logger => _logger;

    internal TokenCache Tokens => _tokens;

    internal RateLimitTracker RateLimits => _rateLimits;

    // ------------------------------------------------------------------ responses

    /// <summary>A response plus the cancellation sources that bound reading its body.</summary>
    private sealed class ResponseLease(
        HttpResponseMessage message,
        CancellationTokenSource? attemptTimeout,
        CancellationToken callerToken,
        Uri url,
        IReadOnlyList<KeyValuePair<string, string>> requestHeaders,
        long sendStarted) : IDisposable
    {
        public HttpResponseMessage Message { get; } = message;

        private readonly CancellationTokenSource _linked = attemptTimeout is null
            ? CancellationTokenSource.CreateLinkedTokenSource(callerToken)
            : CancellationTokenSource.CreateLinkedTokenSource(callerToken, attemptTimeout.Token);

        /// <summary>The caller's token and the attempt's timeout: bounds reading the body.</summary>
        public CancellationToken Token => _linked.Token;

        public CancellationToken CallerToken { get; } = callerToken;

        public Uri Url { get; } = url;

        public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; } = requestHeaders;

        public long SendStarted { get; } = sendStarted;

        public RateLimitSnapshot? RateLimit { get; init; }

        public string? RequestId { get; init; }

        public int Attempts { get; init; }

        public TimeSpan TokenTime { get; init; }

        public bool TokenFromCache { get; init; }

        public required string Operation { get; init; }

        public void Dispose()
        {
            Message.Dispose();
            _linked.Dispose();
            attemptTimeout?.Dispose();
        }
    }

    private async Task<T> ReadJsonAsync<T>(ResponseLease lease, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            var stream = await lease.Message.Content.ReadAsStreamAsync(lease.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, typeInfo, lease.Token).ConfigureAwait(false)
                       ?? throw new JsonException("The body was JSON null.");
            }
        }
        catch (JsonException ex)
        {
            _logger.RequestFailed(lease.Operation, ProcoreErrorKind.MalformedResponse, (int)lease.Message.StatusCode, lease.RequestId);
            throw new ProcoreApiException(ProcoreErrorKind.MalformedResponse,
                $"Procore's answer to {lease.Operation} was not the expected JSON ({ex.Message.Split('.')[0]}).", ex)
            {
                StatusCode = (int)lease.Message.StatusCode,
                RequestId = lease.RequestId,
                RateLimit = lease.RateLimit,
                Operation = lease.Operation,
            };
        }
        catch (Exception ex) when (IsBodyFailure(ex, lease.CallerToken))
        {
            throw BodyReadFailed(lease, ex);
        }
    }

    private async Task<(string Text, bool Truncated)> ReadTextAsync(ResponseLease lease, int maxChars)
    {
        try
        {
            var stream = await lease.Message.Content.ReadAsStreamAsync(lease.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var charset = lease.Message.Content.Headers.ContentType?.CharSet;
                Encoding encoding;
                try
                {
                    encoding = string.IsNullOrEmpty(charset) ? Encoding.UTF8 : Encoding.GetEncoding(charset.Trim('"'));
                }
                catch (ArgumentException)
                {
                    encoding = Encoding.UTF8;
                }

                using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
                var buffer = new char[Math.Min(maxChars + 1, 16 * 1024)];
                var sb = new StringBuilder();
                int read;
                while ((read = await reader.ReadAsync(buffer.AsMemory(), lease.Token).ConfigureAwait(false)) > 0)
                {
                    sb.Append(buffer, 0, read);
                    if (sb.Length > maxChars)
                    {
                        return (sb.ToString(0, maxChars), true);
                    }
                }

                return (sb.ToString(), false);
            }
        }
        catch (Exception ex) when (IsBodyFailure(ex, lease.CallerToken))
        {
            throw BodyReadFailed(lease, ex);
        }
    }

    private static bool IsBodyFailure(Exception ex, CancellationToken callerToken) =>
        ex is HttpRequestException or IOException || (ex is OperationCanceledException && !callerToken.IsCancellationRequested);

    private ProcoreApiException BodyReadFailed(ResponseLease lease, Exception ex)
    {
        var kind = ex is OperationCanceledException ? ProcoreErrorKind.Timeout : ProcoreErrorKind.Unreachable;
        _logger.RequestFailed(lease.Operation, kind, (int)lease.Message.StatusCode, lease.RequestId);
        return new ProcoreApiException(kind, kind == ProcoreErrorKind.Timeout
            ? $"Procore's answer to {lease.Operation} did not arrive within {_options.RequestTimeout.TotalSeconds:0.#} s."
            : $"The connection broke while reading Procore's answer to {lease.Operation}.", ex)
        {
            StatusCode = (int)lease.Message.StatusCode,
            RequestId = lease.RequestId,
            RateLimit = lease.RateLimit,
            Operation = lease.Operation,
        };
    }

    private async Task<ProcoreApiException> CreateHttpExceptionAsync(ResponseLease lease, RequestPlan plan, TimeSpan? retryAfter, int attempts)
    {
        string body;
        try
        {
            (body, _) = await ReadTextAsync(lease, MaxErrorBodyChars).ConfigureAwait(false);
        }
        catch (ProcoreApiException)
        {
            body = string.Empty; // the status is what matters; a broken error body must not hide it
        }

        var message = lease.Message;
        var status = (int)message.StatusCode;
        var wwwAuthenticate = message.Headers.WwwAuthenticate.Count > 0 ? message.Headers.WwwAuthenticate.ToString() : null;
        var parsed = ProcoreErrorParser.Parse(body, message.Content.Headers.ContentType?.MediaType, wwwAuthenticate);
        var kind = ProcoreErrorParser.Classify(status, parsed.Message, parsed.ErrorCode, plan.TokenEndpoint);
        _logger.RequestFailed(plan.Operation, kind, status, lease.RequestId);

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Procore answered {status} {message.ReasonPhrase} to {plan.Operation}");
        if (!string.IsNullOrEmpty(parsed.Message))
        {
            text.Append(": ").Append(parsed.Message);
        }

        if (status == 401 && plan.UseToken && attempts > 1)
        {
            text.Append(" (after fetching a new token and retrying once)");
        }

        if (kind is ProcoreErrorKind.RateLimited && retryAfter is { } ra)
        {
            text.Append(CultureInfo.InvariantCulture, $" (resets in {Seconds(ra)} s; the client waits at most {Seconds(_options.MaxRateLimitWait)} s)");
        }

        if (lease.RequestId is not null)
        {
            text.Append(" [request id ").Append(lease.RequestId).Append(']');
        }

        return new ProcoreApiException(kind, text.ToString())
        {
            StatusCode = status,
            ProcoreMessage = parsed.Message,
            ErrorCode = parsed.ErrorCode,
            RequestId = lease.RequestId,
            RateLimit = lease.RateLimit,
            RetryAfter = retryAfter,
            Operation = plan.Operation,
        };
    }

    private static string? RequestIdOf(HttpResponseMessage message) =>
        message.Headers.TryGetValues("X-Request-Id", out var values) ? values.FirstOrDefault() : null;

    private static string Describe(Exception ex) =>
        ex is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } hre
            ? hre.HttpRequestError.ToString()
            : ex.GetType().Name;

    private static RelativeTarget Target(string path, params (string Key, string Value)[] query) =>
        new(path, query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value)).ToList());

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static long Seconds(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds);
}

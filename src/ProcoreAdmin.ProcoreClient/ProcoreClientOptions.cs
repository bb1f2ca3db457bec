using Microsoft.Extensions.Options;

namespace ProcoreAdmin.ProcoreClient;

/// <summary>Settings of the typed Procore client (section "ProcoreClient").</summary>
public sealed class ProcoreClientOptions
{
    public const string SectionName = "ProcoreClient";

    /// <summary>
    /// How long before the server-stated expiry (<c>expires_in</c>) a cached token is replaced. The effective skew is
    /// the smaller of this and <see cref="MaxTokenRefreshSkewFraction"/> of the token's lifetime, so short-lived tokens
    /// are still used for most of their life.
    /// </summary>
    public TimeSpan TokenRefreshSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Upper bound of the skew as a fraction of the lifetime the server returned (0–0.9).</summary>
    public double MaxTokenRefreshSkewFraction { get; set; } = 0.2;

    /// <summary>Timeout of one HTTP attempt (headers and body).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait the client accepts for a rate-limit reset, <c>Retry-After</c> or pacing pause. Longer
    /// waits fail at once with <see cref="ProcoreErrorKind.RateLimited"/> and <see cref="ProcoreApiException.RetryAfter"/>.</summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long one interactive call may spend waiting in total (pacing, 429 resets, back-off) before it fails with
    /// <see cref="ProcoreErrorKind.RateLimited"/>. Long jobs use <see cref="ExportTimeBudget"/> through
    /// <see cref="ProcoreTimeBudget.Begin"/>.
    /// </summary>
    public TimeSpan InteractiveTimeBudget { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Waiting budget of one call inside an export or another long job (the quota is shared with other callers).</summary>
    public TimeSpan ExportTimeBudget { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Safety bound on 429s one call may wait out; the time budget is what normally ends the waiting.</summary>
    public int MaxRateLimitRetries { get; set; } = 50;

    /// <summary>
    /// Requests of the spike window this process leaves to the app's other callers: it stops taking a larger share of
    /// the window when <c>X-Rate-Limit-Remaining</c> (less what it sent since) is down to this, and from then on only
    /// replaces its own requests as they leave the window. The reserve is not kept inside this process's even half of the
    /// window (see the rate-limit section of this project's README).
    /// </summary>
    public int RateLimitReserve { get; set; } = 1;

    /// <summary>
    /// Length of Procore's spike window (documented: 10 seconds). The client's own requests count in it for this long
    /// after their response; the pacing reuses those slots instead of racing other callers for theirs. Change it only
    /// against a simulator with scaled windows.
    /// </summary>
    public TimeSpan SpikeWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Seed of the jitter and back-off randomness (tests, benchmarks); null = unpredictable.</summary>
    public int? JitterSeed { get; set; }

    /// <summary>How many retries a GET (or the token request) gets after 502/503/504, a timeout or a transport error.</summary>
    public int MaxTransientRetries { get; set; } = 3;

    /// <summary>First back-off delay; doubles per attempt up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Random extra delay (0..this) added to rate-limit waits so that callers do not all resume together.</summary>
    public TimeSpan MaxJitter { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Pause before a request when the last response said <c>X-Rate-Limit-Remaining: 0</c>.</summary>
    public bool PaceOnRemainingZero { get; set; } = true;

    /// <summary>Whether credentials of the <see cref="ProcoreEnvironment.Custom"/> environment are accepted.
    /// Turn off in production if no simulator or proxy is used.</summary>
    public bool AllowCustomEnvironment { get; set; } = true;

    /// <summary>Connection lifetime in the shared <see cref="System.Net.Http.SocketsHttpHandler"/> pool (DNS changes).</summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Page size used when the client walks all pages itself (companies).</summary>
    public int DefaultPerPage { get; set; } = 100;

    /// <summary>Safety bound for page walks.</summary>
    public int MaxPages { get; set; } = 10_000;

    /// <summary>Largest response body (characters) kept by <see cref="IProcoreClient.SendRawAsync"/>.</summary>
    public int MaxRawBodyChars { get; set; } = 1_000_000;

    public string UserAgent { get; set; } = "ProcoreAdmin/1.0";
}

/// <summary>Cross-field validation of <see cref="ProcoreClientOptions"/>.</summary>
public sealed class ProcoreClientOptionsValidator : IValidateOptions<ProcoreClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ProcoreClientOptions options)
    {
        var failures = new List<string>();
        if (options.TokenRefreshSkew < TimeSpan.Zero)
        {
            failures.Add("TokenRefreshSkew must not be negative.");
        }

        if (options.MaxTokenRefreshSkewFraction is < 0 or > 0.9 || double.IsNaN(options.MaxTokenRefreshSkewFraction))
        {
            failures.Add("MaxTokenRefreshSkewFraction must be between 0 and 0.9.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add("RequestTimeout must be positive.");
        }

        if (options.MaxRateLimitWait < TimeSpan.Zero)
        {
            failures.Add("MaxRateLimitWait must not be negative.");
        }

        if (options.MaxRateLimitRetries is < 0 or > 1000)
        {
            failures.Add("MaxRateLimitRetries must be between 0 and 1000.");
        }

        if (options.InteractiveTimeBudget < TimeSpan.Zero || options.ExportTimeBudget < TimeSpan.Zero)
        {
            failures.Add("InteractiveTimeBudget and ExportTimeBudget must not be negative.");
        }

        if (options.RateLimitReserve is < 0 or > 100)
        {
            failures.Add("RateLimitReserve must be between 0 and 100.");
        }

        if (options.SpikeWindow < TimeSpan.FromMilliseconds(100) || options.SpikeWindow > TimeSpan.FromMinutes(10))
        {
            failures.Add("SpikeWindow must be between 0.1 s and 10 minutes.");
        }

        if (options.MaxTransientRetries is < 0 or > 10)
        {
            failures.Add("MaxTransientRetries must be between 0 and 10.");
        }

        if (options.BaseBackoff <= TimeSpan.Zero || options.MaxBackoff < options.BaseBackoff)
        {
            failures.Add("BaseBackoff must be positive and MaxBackoff at least BaseBackoff.");
        }

        if (options.MaxJitter < TimeSpan.Zero)
        {
            failures.Add("MaxJitter must not be negative.");
        }

        if (options.DefaultPerPage is < 1 or > 1000)
        {
            failures.Add("DefaultPerPage must be between 1 and 1000.");
        }

        if (options.MaxPages < 1)
        {
            failures.Add("MaxPages must be at least 1.");
        }

        if (options.MaxRawBodyChars < 1)
        {
            failures.Add("MaxRawBodyChars must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(options.UserAgent))
        {
            failures.Add("UserAgent is required.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

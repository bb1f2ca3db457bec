using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ProcoreAdmin.ProcoreClient;

/// <summary>
/// The Procore client's own <see cref="ActivitySource"/> and <see cref="Meter"/> (both named <see cref="Name"/>).
/// Tags carry only the credential key (our own id, never the client id or secret), the operation name
/// (e.g. <c>GET rest/v1.0/me</c>, no query values) and numbers. Nothing here ever sees a secret or a token.
/// </summary>
public static class ProcoreTelemetry
{
    public const string Name = "ProcoreAdmin.ProcoreClient";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);
    private static readonly ConcurrentDictionary<string, long> RemainingByCredential = new();

    private static readonly Counter<long> TokenFetches = Meter.CreateCounter<long>(
        "procore.client.token_fetches", "{request}", "Token requests sent to Procore's /oauth/token.");

    private static readonly Histogram<double> PacingWaits = Meter.CreateHistogram<double>(
        "procore.client.pacing_wait", "s", "Time spent waiting before a request because the rate-limit bucket was used up.");

    private static readonly Counter<long> RateLimitedResponses = Meter.CreateCounter<long>(
        "procore.client.rate_limited", "{response}", "429 Too Many Requests answers from Procore.");

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "procore.client.retries", "{retry}", "Requests sent again after a 429, a 5xx, a timeout or a transport error.");

    static ProcoreTelemetry()
    {
        Meter.CreateObservableGauge(
            "procore.client.rate_limit.remaining",
            () => RemainingByCredential.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("procore.credential_key", p.Key))),
            "{request}",
            "X-Rate-Limit-Remaining last reported by Procore, per credential.");
    }

    /// <summary>A token request: counts it and returns its span (null when nobody listens); the caller disposes it.</summary>
    public static Activity? StartTokenFetch(string credentialKey, string environment)
    {
        TokenFetches.Add(1, new KeyValuePair<string, object?>("procore.credential_key", credentialKey));
        var activity = Source.StartActivity("procore.token_fetch", ActivityKind.Internal);
        activity?.SetTag("procore.credential_key", credentialKey);
        activity?.SetTag("procore.environment", environment);
        return activity;
    }

    /// <summary>A wait before sending because the bucket (credential + company) reported nothing remaining.</summary>
    public static void RecordPacingWait(string credentialKey, TimeSpan wait)
    {
        PacingWaits.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("procore.credential_key", credentialKey));
        Activity.Current?.AddEvent(new ActivityEvent("procore.pacing_wait", tags: new ActivityTagsCollection
        {
            ["procore.credential_key"] = credentialKey,
            ["procore.wait_ms"] = (long)wait.TotalMilliseconds,
        }));
    }

    /// <summary>A 429 from Procore.</summary>
    public static void RecordRateLimited(string credentialKey, string operation)
    {
        RateLimitedResponses.Add(1,
            new KeyValuePair<string, object?>("procore.credential_key", credentialKey),
            new KeyValuePair<string, object?>("procore.operation", operation));
    }

    /// <summary>A request about to be sent again; <paramref name="reason"/> is a status code or an error kind.</summary>
    public static void RecordRetry(string operation, string reason, int attempt)
    {
        Retries.Add(1,
            new KeyValuePair<string, object?>("procore.operation", operation),
            new KeyValuePair<string, object?>("procore.retry_reason", reason));
        Activity.Current?.AddEvent(new ActivityEvent("procore.retry", tags: new ActivityTagsCollection
        {
            ["procore.operation"] = operation,
            ["procore.retry_reason"] = reason,
            ["procore.attempt"] = attempt,
        }));
    }

    /// <summary>The latest X-Rate-Limit-Remaining for a credential (the gauge reports it).</summary>
    public static void RecordRemaining(string credentialKey, long remaining) => RemainingByCredential[credentialKey] = remaining;
}

using System.Globalization;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.ProcoreClient.Pipeline;

/// <summary>
/// The retry strategy of the client's resilience handler. It retries idempotent calls (GET and the token request; never
/// other POSTs) after 429, 500/502/503/504, attempt timeouts and transport errors. Rate-limit delays come from
/// <c>X-Rate-Limit-Reset</c> / <c>Retry-After</c> (plus jitter, and plus back-off when a 429 follows a 429: others are
/// draining the shared quota); transient delays are exponential with equal jitter, or <c>Retry-After</c>. Every wait
/// must fit the call's time budget (<see cref="ProcoreTimeBudget"/>) and <see cref="ProcoreClientOptions.MaxRateLimitWait"/>;
/// a wait that does not fit ends the call at once with the wait as <see cref="ProcoreApiException.RetryAfter"/>.
/// </summary>
internal static class ProcoreResilience
{
    public const string PipelineName = "procore";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder) =>
        builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            Name = "procore-retry",
            MaxRetryAttempts = int.MaxValue, // bounded by the decision below (time budget, retry counts)
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
            Delay = TimeSpan.Zero,
            ShouldHandle = static args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome)),
            DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(ContextOf(args.Context)?.NextDelay ?? TimeSpan.Zero),
            OnRetry = static args =>
            {
                if (ContextOf(args.Context) is { } context)
                {
                    Report(context, args.Outcome, args.RetryDelay);
                }

                return ValueTask.CompletedTask;
            },
        });

    private static ProcoreRequestContext? ContextOf(ResilienceContext resilience) =>
        resilience.GetRequestMessage() is { } request && request.Options.TryGetValue(ProcoreRequestContext.Key, out var context) ? context : null;

    private static bool ShouldRetry(ResilienceContext resilience, Outcome<HttpResponseMessage> outcome)
    {
        if (ContextOf(resilience) is not { } context || !context.Idempotent || context.CallerToken.IsCancellationRequested)
        {
            return false;
        }

        var owner = context.Owner;
        var options = owner.Options;
        var now = owner.Time.GetUtcNow();
        if (outcome.Exception is { } exception)
        {
            if (exception is not (ProcoreAttemptTimeoutException or HttpRequestException or IOException)
                || context.TransientRetries >= options.MaxTransientRetries)
            {
                return false;
            }

            return Plan(context, owner.Backoff(context.TransientRetries + 1), ProcoreProgressKind.WaitingToRetry, transient: true, now);
        }

        var response = outcome.Result!;
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode || context.ReturnErrorResponses)
        {
            return false;
        }

        var retryAfter = RateLimitTracker.ParseRetryAfter(response.Headers, now);
        if (status == 429)
        {
            if (context.RateLimitRetries >= options.MaxRateLimitRetries)
            {
                return false;
            }

            var snapshot = RateLimitTracker.Parse(response.Headers, now, null);
            var untilReset = snapshot?.ResetAt is { } reset && reset > now ? reset - now : TimeSpan.Zero;
            var stated = retryAfter is { } ra && ra > untilReset ? ra : untilReset;
            var wait = stated > TimeSpan.Zero ? stated : owner.Backoff(context.RateLimitRetries + 1);
            if (context.RateLimitRetries > 0)
            {
                // A 429 right after waiting for the reset: others of this app are draining the quota. Back off beyond it.
                wait += owner.Backoff(context.RateLimitRetries);
            }

            return Plan(context, wait, ProcoreProgressKind.WaitingForRateLimit, transient: false, now);
        }

        // 500 is retried for GET only; the token request (the one retried POST) only on 502/503/504.
        var isGet = resilience.GetRequestMessage()?.Method == HttpMethod.Get;
        if ((status is 502 or 503 or 504 || (status == 500 && isGet)) && context.TransientRetries < options.MaxTransientRetries)
        {
            var kind = retryAfter is not null && status == 503 ? ProcoreProgressKind.WaitingForRateLimit : ProcoreProgressKind.WaitingToRetry;
            return Plan(context, retryAfter ?? owner.Backoff(context.TransientRetries + 1), kind, transient: true, now);
        }

        return false;
    }

    private static bool Plan(ProcoreRequestContext context, TimeSpan wait, ProcoreProgressKind kind, bool transient, DateTimeOffset now)
    {
        var owner = context.Owner;
        var total = kind == ProcoreProgressKind.WaitingForRateLimit && !transient ? wait + owner.Jitter() : wait;
        if (wait > owner.Options.MaxRateLimitWait || now + wait > context.Deadline)
        {
            context.RefusedWait = wait;
            owner.Logger.RateLimitWaitTooLong(context.Credential.Key, context.CompanyId, (long)wait.TotalMilliseconds,
                (long)Math.Min(owner.Options.MaxRateLimitWait.TotalMilliseconds, Math.Max(0, (context.Deadline - now).TotalMilliseconds)));
            return false;
        }

        if (transient)
        {
            context.TransientRetries++;
        }
        else
        {
            context.RateLimitRetries++;
        }

        context.NextDelay = total;
        context.NextDelayKind = kind;
        return true;
    }

    private static void Report(ProcoreRequestContext context, Outcome<HttpResponseMessage> outcome, TimeSpan delay)
    {
        var owner = context.Owner;
        var status = outcome.Result is { } response ? (int)response.StatusCode : (int?)null;
        var attempt = context.NextDelayKind == ProcoreProgressKind.WaitingForRateLimit && status == 429
            ? context.RateLimitRetries
            : context.TransientRetries;
        var reason = status?.ToString(CultureInfo.InvariantCulture)
                     ?? (outcome.Exception is ProcoreAttemptTimeoutException ? nameof(ProcoreErrorKind.Timeout) : nameof(ProcoreErrorKind.Unreachable));
        if (status == 429 || context.NextDelayKind == ProcoreProgressKind.WaitingForRateLimit)
        {
            owner.Logger.RateLimitedWaiting(status ?? 0, context.Operation, context.Credential.Key, context.CompanyId, (long)delay.TotalMilliseconds, attempt);
            if (status == 429)
            {
                ProcoreTelemetry.RecordRateLimited(context.Credential.Key, context.Operation);
            }
        }
        else
        {
            owner.Logger.TransientRetry(context.Operation, reason, attempt, (long)delay.TotalMilliseconds);
        }

        // Every retry is counted, whatever its cause: a 429 is a rate-limited response and also a request sent again.
        ProcoreTelemetry.RecordRetry(context.Operation, reason, attempt);

        owner.ReportWait(context.Progress, context.NextDelayKind, delay, status, attempt);
    }
}

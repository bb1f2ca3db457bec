using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.ProcoreSimulator.Faults;

namespace ProcoreAdmin.ProcoreSimulator.Http;

/// <summary>
/// The single terminal middleware: picks the environment from the path, runs the rate limiter and fault injection,
/// dispatches to the OAuth, REST or control handlers, and records the request.
/// </summary>
internal sealed partial class SimulatorRequestHandler(SimulatorState state, ILogger<SimulatorRequestHandler> logger)
{
    public const string RateLimitMessage = "You have surpassed the max number of requests for an hour. Please wait until your limit resets.";
    private const string EnvPrefix = "/_env/";

    private static readonly string[] SensitiveQueryKeys = ["token", "access_token", "refresh_token", "client_secret", "code", "password", "client_assertion"];

    private readonly OAuthEndpoints _oauth = new();
    private readonly RestEndpoints _rest = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var now = state.TimeProvider.GetUtcNow();
        var requestId = Guid.NewGuid().ToString();
        var headers = context.Response.Headers;
        headers["X-Request-Id"] = requestId;
        headers.Date = now.ToString("R", CultureInfo.InvariantCulture);
        var path = context.Request.Path.Value ?? "/";

        if (path.StartsWith("/_simulator", StringComparison.OrdinalIgnoreCase))
        {
            await ControlEndpoints.HandleAsync(context, state, path);
            return;
        }

        var environment = SimulatorEnvironment.Production;
        var route = path;
        var knownEnvironment = true;
        if (path.StartsWith(EnvPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var rest = path[EnvPrefix.Length..];
            var slash = rest.IndexOf('/');
            var name = slash < 0 ? rest : rest[..slash];
            route = slash < 0 ? "/" : rest[slash..];
            knownEnvironment = TryParseEnvironment(name, out environment);
        }

        if (route.Length > 1 && route.EndsWith('/'))
        {
            route = route.TrimEnd('/');
        }

        var scope = new RequestScope(context, state, environment, route, now);
        var isTokenRequest = HttpMethods.IsPost(context.Request.Method) && route.Equals("/oauth/token", StringComparison.OrdinalIgnoreCase);
        var sequence = state.Log.NextSequence();
        state.Counters.RequestStarted(isTokenRequest);

        // Record the request when its response starts (before any byte reaches the client, so a caller that has the
        // response always finds it in the log and counters), or at the end if no response was sent (dropped, aborted,
        // or a handler that wrote nothing).
        var recorded = 0;
        void Record()
        {
            if (Interlocked.Exchange(ref recorded, 1) != 0)
            {
                return;
            }

            var status = scope.Aborted ? 0 : context.Response.StatusCode;
            state.Counters.Completed(status);
            var companyHeader = context.Request.Headers["Procore-Company-Id"];
            state.Log.Add(new RequestLogEntry(
                sequence,
                now,
                context.Request.Method,
                path,
                RedactQuery(context.Request.QueryString.Value),
                companyHeader.Count > 0,
                companyHeader.Count > 0 ? companyHeader.ToString() : null,
                status,
                isTokenRequest,
                environment,
                scope.FaultNames,
                requestId));
        }

        context.Response.OnStarting(() =>
        {
            Record();
            return Task.CompletedTask;
        });

        try
        {
            if (!knownEnvironment)
            {
                await GateAsync(scope, "anon");
                if (!context.Response.HasStarted && !scope.Aborted)
                {
                    await JsonOut.ErrorsAsync(context, 404, "Unknown environment. Use /_env/developer_sandbox/ or /_env/monthly_sandbox/, or no prefix for production.");
                }
            }
            else if (route.StartsWith("/oauth/", StringComparison.OrdinalIgnoreCase))
            {
                await _oauth.HandleAsync(scope);
            }
            else if (route.StartsWith("/rest/", StringComparison.OrdinalIgnoreCase))
            {
                await _rest.HandleAsync(scope);
            }
            else if (!await GateAsync(scope, "anon"))
            {
                await JsonOut.ErrorsAsync(context, 404, "Not Found");
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            scope.Aborted = true;
        }
        catch (BadRequestException ex) when (!context.Response.HasStarted)
        {
            await JsonOut.ErrorsAsync(context, 400, ex.Message);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, ex, context.Request.Method, route);
            await JsonOut.ErrorsAsync(context, 500, "Internal simulator error");
        }
        finally
        {
            Record();
        }
    }

    /// <summary>
    /// Counts the request against the rate limit of <paramref name="rateKey"/>, adds the <c>X-Rate-Limit-*</c> headers,
    /// and applies injected faults. Returns true when a response (429 or a fault) has already been produced.
    /// </summary>
    public static async Task<bool> GateAsync(RequestScope scope, string rateKey)
    {
        var context = scope.Context;
        var state = scope.State;
        var limits = scope.Settings.RateLimits;
        if (limits.Enabled)
        {
            var decision = state.RateLimiter.Hit(rateKey, limits, scope.Now);
            SetRateLimitHeaders(context, decision.Limit, decision.Remaining, decision.ResetUnixSeconds);
            if (!decision.Allowed)
            {
                state.Counters.RateLimited();
                if (limits.RetryAfter)
                {
                    context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                }

                await JsonOut.TextAsync(context, 429, "text/plain; charset=utf-8", RateLimitMessage);
                return true;
            }
        }

        var path = context.Request.Path.Value ?? "/";
        var fault = state.FaultInjector.Evaluate(context.Request.Method, path, scope.Route);
        if (fault.Names is null)
        {
            return false;
        }

        scope.FaultNames = fault.Names;
        state.Counters.FaultInjected();
        if (fault.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(fault.LatencyMs), state.TimeProvider, context.RequestAborted);
        }

        if (fault.Terminal is not { } rule)
        {
            return false;
        }

        await ApplyFaultAsync(scope, rule);
        return true;
    }

    private static async Task ApplyFaultAsync(RequestScope scope, FaultRule rule)
    {
        var context = scope.Context;
        var retryAfter = rule.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        switch (rule.Kind)
        {
            case FaultKind.ServerError:
                await HtmlAsync(context, 500, "We're sorry, but something went wrong.");
                break;
            case FaultKind.BadGateway:
                await HtmlAsync(context, 502, "502 Bad Gateway");
                break;
            case FaultKind.GatewayTimeout:
                await HtmlAsync(context, 504, "504 Gateway Time-out");
                break;
            case FaultKind.ServiceUnavailable:
                context.Response.Headers.RetryAfter = retryAfter;
                await HtmlAsync(context, 503, "503 Service Temporarily Unavailable");
                break;
            case FaultKind.TooManyRequests:
                var limits = scope.Settings.RateLimits;
                var reset = scope.Now.AddSeconds(Math.Max(1, rule.RetryAfterSeconds));
                SetRateLimitHeaders(context, limits.Spike, 0, (long)Math.Ceiling(reset.ToUnixTimeMilliseconds() / 1000.0));
                context.Response.Headers.RetryAfter = retryAfter;
                await JsonOut.TextAsync(context, 429, "text/plain; charset=utf-8", RateLimitMessage);
                break;
            case FaultKind.MalformedJson:
                await JsonOut.TextAsync(context, 200, JsonOut.JsonContentType, "[{\"id\": 598000000000001, \"name\": \"Harbor Tow");
                break;
            case FaultKind.DropConnection:
                scope.Aborted = true;
                context.Abort();
                break;
            default:
                throw new InvalidOperationException($"Fault kind {rule.Kind} is not terminal.");
        }
    }

    private static Task HtmlAsync(HttpContext context, int status, string title) =>
        JsonOut.TextAsync(context, status, "text/html; charset=utf-8",
            $"<!DOCTYPE html>\n<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<p>Simulated failure (ProcoreSimulator fault injection).</p>\n</body>\n</html>\n");

    private static void SetRateLimitHeaders(HttpContext context, int limit, int remaining, long reset)
    {
        var headers = context.Response.Headers;
        headers["X-Rate-Limit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
    }

    internal static bool TryParseEnvironment(string name, out SimulatorEnvironment environment)
    {
        switch (name.ToLowerInvariant())
        {
            case "production":
                environment = SimulatorEnvironment.Production;
                return true;
            case "developer_sandbox":
                environment = SimulatorEnvironment.DeveloperSandbox;
                return true;
            case "monthly_sandbox":
                environment = SimulatorEnvironment.MonthlySandbox;
                return true;
            default:
                environment = SimulatorEnvironment.Production;
                return false;
        }
    }

    internal static string RedactQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return "";
        }

        var parts = query[1..].Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=');
            var key = Uri.UnescapeDataString((eq < 0 ? parts[i] : parts[i][..eq]).Replace('+', ' '));
            if (SensitiveQueryKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                parts[i] = (eq < 0 ? parts[i] : parts[i][..eq]) + "=[redacted]";
            }
        }

        return "?" + string.Join('&', parts);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled simulator error for {Method} {Route}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string route);
}

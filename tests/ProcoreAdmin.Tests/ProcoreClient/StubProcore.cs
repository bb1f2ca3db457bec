using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;

namespace ProcoreAdmin.Tests.ProcoreClient;

/// <summary>One request as the stub saw it (headers and body copied at send time, with the fake time).</summary>
public sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body,
    DateTimeOffset At)
{
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public string? BearerToken => Header("Authorization") is { } a && a.StartsWith("Bearer ", StringComparison.Ordinal) ? a[7..] : null;

    public bool IsTokenRequest => Uri.AbsolutePath.EndsWith("/oauth/token", StringComparison.Ordinal);

    public bool IsRevokeRequest => Uri.AbsolutePath.EndsWith("/oauth/revoke", StringComparison.Ordinal);

    public bool IsApiRequest => !IsTokenRequest && !IsRevokeRequest;

    public string Everything => $"{Method} {Uri}\n{string.Join("\n", Headers.Select(h => $"{h.Key}: {h.Value}"))}\n\n{Body}";
}

/// <summary>
/// A fake Procore as an <see cref="HttpMessageHandler"/>: records every request and answers through replaceable
/// responders. Token responses mint unique, high-entropy tokens and remember them.
/// </summary>
public sealed class StubProcore : HttpMessageHandler
{
    private readonly TestTime _time;
    private int _tokenCounter;

    public StubProcore(TestTime time)
    {
        _time = time;
        OnToken = (_, _) => Task.FromResult(TokenResponse(IssueToken(), TokenLifetimeSeconds));
        OnRevoke = (_, _) => Task.FromResult(Json(HttpStatusCode.OK, "{}"));
        OnApi = (r, _) => Task.FromResult(DefaultApi(r));
    }

    public ConcurrentQueue<CapturedRequest> Requests { get; } = new();

    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    public long TokenLifetimeSeconds { get; set; } = 5400;

    public Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>> OnToken { get; set; }

    public Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>> OnRevoke { get; set; }

    public Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>> OnApi { get; set; }

    public IReadOnlyList<CapturedRequest> TokenRequests => Requests.Where(r => r.IsTokenRequest).ToList();

    public IReadOnlyList<CapturedRequest> ApiRequests => Requests.Where(r => r.IsApiRequest).ToList();

    public IReadOnlyList<CapturedRequest> RevokeRequests => Requests.Where(r => r.IsRevokeRequest).ToList();

    public string IssueToken()
    {
        var token = $"TESTTOKEN-{Interlocked.Increment(ref _tokenCounter)}-{Guid.NewGuid():N}";
        IssuedTokens.Enqueue(token);
        return token;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value))).ToList();
        var body = string.Empty;
        if (request.Content is not null)
        {
            headers.AddRange(request.Content.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value))));
            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        var captured = new CapturedRequest(request.Method, request.RequestUri!, headers, body, _time.GetUtcNow());
        Requests.Enqueue(captured);
        var response = captured.IsTokenRequest ? await OnToken(captured, cancellationToken)
            : captured.IsRevokeRequest ? await OnRevoke(captured, cancellationToken)
            : await OnApi(captured, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    private static HttpResponseMessage DefaultApi(CapturedRequest request)
    {
        var path = request.Uri.AbsolutePath;
        return path.EndsWith("/me", StringComparison.Ordinal)
            ? Json(HttpStatusCode.OK, """{"id":4000000001,"login":"svc-abc@procore.example","name":"Service Account"}""")
            : Json(HttpStatusCode.OK, "[]");
    }

    public static HttpResponseMessage TokenResponse(string token, long expiresIn) =>
        Json(HttpStatusCode.OK,
            $$"""{"access_token":"{{token}}","token_type":"bearer","expires_in":{{expiresIn}},"created_at":1767268800}""");

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        response.Headers.TryAddWithoutValidation("X-Request-Id", "req-" + Guid.NewGuid().ToString("N")[..12]);
        return response;
    }

    public static HttpResponseMessage Text(HttpStatusCode status, string text, string mediaType = "text/plain",
        params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, mediaType) };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses the form body of a token or revoke request.</summary>
    public static IReadOnlyDictionary<string, string> Form(CapturedRequest request) =>
        request.Body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : string.Empty));
}

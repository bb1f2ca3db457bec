using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ProcoreAdmin.Tests.Web.Features.TokenBroker;

/// <summary>
/// An integration service as the broker expects it: it holds only the broker's address and its own identity-provider
/// credentials. Every tick it calls Procore's <c>/rest/v1.0/projects</c> with the broker's token; on 401 it asks the broker
/// again (naming the rejected token) and retries once. It counts calls, failures after the retry and its longest stall.
/// </summary>
public sealed class BrokerConsumer(HttpClient broker, Func<Task<string>> machineToken, long companyId, TimeSpan interval) : IDisposable
{
    private readonly Lock _gate = new();
    private string? _token;
    private string? _tokenId;
    private string? _apiBase;

    /// <summary>Disposes the broker client it was given (the benchmark gives each consumer its own).</summary>
    public void Dispose() => broker.Dispose();

    public int Calls { get; private set; }
    public int SuccessfulCalls { get; private set; }
    public int FailedAfterRetry { get; private set; }
    public int Retries { get; private set; }
    public int BrokerRequests { get; private set; }
    public TimeSpan LongestStall { get; private set; }

    /// <summary>True while a call is waiting for a new token after a 401.</summary>
    public bool WaitingForToken { get; private set; }

    /// <summary>Every broker answer body, to prove none carries a Procore secret.</summary>
    public List<string> BrokerBodies { get; } = [];

    public async Task RunAsync(CancellationToken stop)
    {
        var jwt = await machineToken();
        await RefreshAsync(jwt, null, stop);
        using var procore = new HttpClient();
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                var started = Stopwatch.GetTimestamp();
                var status = await CallAsync(procore, stop);
                if (status == HttpStatusCode.Unauthorized)
                {
                    Retries++;
                    WaitingForToken = true;
                    await RefreshAsync(jwt, _tokenId, stop);
                    WaitingForToken = false;
                    status = await CallAsync(procore, stop);
                }

                lock (_gate)
                {
                    Calls++;
                    if (status == HttpStatusCode.OK)
                    {
                        SuccessfulCalls++;
                    }
                    else
                    {
                        FailedAfterRetry++;
                    }

                    var took = Stopwatch.GetElapsedTime(started);
                    LongestStall = took > LongestStall ? took : LongestStall;
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<HttpStatusCode> CallAsync(HttpClient procore, CancellationToken stop)
    {
        if (_token is null)
        {
            return HttpStatusCode.ServiceUnavailable;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(_apiBase!), $"rest/v1.0/projects?company_id={companyId}&per_page=1"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Add("Procore-Company-Id", companyId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await procore.SendAsync(request, stop);
        return response.StatusCode;
    }

    private async Task RefreshAsync(string jwt, string? rejectedTokenId, CancellationToken stop)
    {
        BrokerRequests++;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/procore-tokens")
        {
            Content = JsonContent.Create(new Dictionary<string, object?> { ["company_id"] = companyId, ["rejected_token_id"] = rejectedTokenId }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        using var response = await broker.SendAsync(request, stop);
        var body = await response.Content.ReadAsStringAsync(stop);
        lock (_gate)
        {
            BrokerBodies.Add(body);
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            _token = null;
            return;
        }

        using var json = JsonDocument.Parse(body);
        _token = json.RootElement.GetProperty("access_token").GetString();
        _tokenId = json.RootElement.GetProperty("token_id").GetString();
        _apiBase = json.RootElement.GetProperty("api_base_url").GetString();
    }
}

using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using ProcoreAdmin.Tests.DevIdentity;
using ProcoreAdmin.Tests.Support;

namespace ProcoreAdmin.Tests.Topology;

/// <summary>The shipped nginx example in front of two real instances on one PostgreSQL database.</summary>
public sealed class ReverseProxyTests
{
    [PostgresFact]
    public async Task Nginx_InFrontOfTwoInstances_SignsInStickilyWithPublicRedirectsAndCarriesTheCircuitWebSocket()
    {
        await using var database = await PostgresDatabase.CreateAsync(migrate: true);
        var proxyPort = AppProcess.FreePort();
        Dictionary<string, string> Settings(bool first) => new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = database.ConnectionString,
            ["ReverseProxy:KnownProxies:0"] = "127.0.0.1",
            ["DevelopmentCompanions:DevIdentityUrl"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
            ["DevelopmentCompanions:Simulator"] = first ? "true" : "false",
            ["DevelopmentCompanions:SimulatorUrl"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
            ["DevelopmentCompanions:PublicUrls:0"] = $"http://127.0.0.1:{proxyPort}",
        };

        await using var a = await AppProcess.StartAsync("A", Settings(first: true));
        await using var b = await AppProcess.StartAsync("B", Settings(first: false));
        await using var nginx = await NginxProcess.StartAsync([a.BaseAddress, b.BaseAddress], proxyPort);
        var proxy = nginx.BaseAddress;

        // The challenge through the proxy names the proxy's public address as the redirect URI, not the instance's.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using (var challenge = await anonymous.GetAsync(new Uri(proxy, "companies")))
        {
            Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
            var query = QueryHelpers.ParseQuery(challenge.Headers.Location!.Query);
            Assert.Equal(new Uri(proxy, "signin-oidc").AbsoluteUri, query["redirect_uri"].ToString());
        }

        // A proxy announcing https and a public host: the app builds its redirect from them (the proxy is known).
        using (var forwarded = new HttpRequestMessage(HttpMethod.Get, new Uri(a.BaseAddress, "companies")))
        {
            forwarded.Headers.Add("X-Forwarded-Proto", "https");
            forwarded.Headers.Add("X-Forwarded-Host", "admin.example.test");
            using var response = await anonymous.SendAsync(forwarded);
            var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
            Assert.Equal("https://admin.example.test/signin-oidc", query["redirect_uri"].ToString());
        }

        // The whole sign-in runs through the proxy, and every request of this client reaches one instance.
        var served = await WhichInstanceServesAsync(anonymous, proxy, a, b);
        using var browser = new OidcTestBrowser(served.IdentityUrl);
        await TwoInstanceTests.SignInAsync(browser, proxy, "admin");
        var upstreams = nginx.UpstreamsFor("/").Distinct().ToList();
        Assert.Equal([served.Instance.BaseAddress.Authority], upstreams);

        // The Blazor circuit's WebSocket passes the proxy (Upgrade/Connection headers forwarded).
        using var negotiate = await browser.Http.PostAsync(new Uri(proxy, "_blazor/negotiate?negotiateVersion=1"), new StringContent(""));
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        using var json = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync());
        var token = json.RootElement.GetProperty("connectionToken").GetString();
        Assert.Contains(json.RootElement.GetProperty("availableTransports").EnumerateArray(), t => t.GetProperty("transport").GetString() == "WebSockets");
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = browser.Cookies;
        await socket.ConnectAsync(new Uri($"ws://{proxy.Authority}/_blazor?id={token}"), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, socket.State);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal([served.Instance.BaseAddress.Authority], nginx.UpstreamsFor("/").Distinct());
    }

    private static async Task<(AppProcess Instance, Uri IdentityUrl)> WhichInstanceServesAsync(HttpClient client, Uri proxy, AppProcess a, AppProcess b)
    {
        using var challenge = await client.GetAsync(new Uri(proxy, "companies"));
        var authority = new Uri(challenge.Headers.Location!.GetLeftPart(UriPartial.Authority) + "/");
        return (a.Output.Contains($"DevIdentity at {authority}") ? a : b, authority);
    }
}

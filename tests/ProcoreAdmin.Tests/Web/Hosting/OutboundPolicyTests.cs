using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Hosting;
using ProcoreAdmin.Web.Hosting.Outbound;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>
/// The outbound policy as the app wires it (Procore client and webhook client). Refused destinations never get a socket:
/// the only listeners these tests open are on 127.0.0.1, and private or public addresses are produced by a fake resolver.
/// </summary>
public sealed class OutboundPolicyTests
{
    private sealed class FakeResolver : IOutboundResolver
    {
        public ConcurrentQueue<string> Lookups { get; } = new();

        public Func<string, int, IPAddress[]> Answer { get; set; } = (_, _) => [];

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        {
            Lookups.Enqueue(host);
            return Task.FromResult(Answer(host, Lookups.Count));
        }
    }

    private sealed class RecordingRefusals : IOutboundRefusalRecorder
    {
        public ConcurrentQueue<(string Host, string Reason)> Rows { get; } = new();

        public Task RecordAsync(string host, string reason, CancellationToken ct)
        {
            Rows.Enqueue((host, reason));
            return Task.CompletedTask;
        }
    }

    private sealed record Wired(ServiceProvider Services, FakeResolver Resolver, RecordingRefusals Refusals) : IAsyncDisposable
    {
        public IProcoreClient Procore => Services.GetRequiredService<IProcoreClient>();

        public OutboundPolicy Policy => Services.GetRequiredService<OutboundPolicy>();

        public HttpClient Http(string name) => Services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }

    private static Wired Wire(string environment, params KeyValuePair<string, string?>[] settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOutboundPolicy();
        builder.AddProcore();
        builder.Services.AddHttpClient("webhook-like").ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()).UseOutboundPolicy();
        var resolver = new FakeResolver();
        var refusals = new RecordingRefusals();
        builder.Services.AddSingleton<IOutboundResolver>(resolver);
        builder.Services.AddSingleton<IOutboundRefusalRecorder>(refusals);
        builder.Services.Configure<ProcoreClientOptions>(o => { o.MaxJitter = TimeSpan.Zero; o.BaseBackoff = TimeSpan.FromMilliseconds(1); o.MaxBackoff = TimeSpan.FromMilliseconds(1); });
        return new Wired(builder.Services.BuildServiceProvider(), resolver, refusals);
    }

    private static ProcoreCredential Custom(string login, string api) =>
        new("7:Current", ProcoreEnvironment.Custom, "client-1", _ => ValueTask.FromResult("TESTSECRET-" + Guid.NewGuid().ToString("N")), new Uri(login), new Uri(api));

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.1.2.3", "private (RFC 1918)")]
    [InlineData("172.16.0.1", "private (RFC 1918)")]
    [InlineData("172.31.255.254", "private (RFC 1918)")]
    [InlineData("192.168.1.1", "private (RFC 1918)")]
    [InlineData("::ffff:10.0.0.1", "private (RFC 1918)")]
    [InlineData("fd12:3456::1", "private (RFC 4193)")]
    [InlineData("fc00::1", "private (RFC 4193)")]
    [InlineData("169.254.10.20", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("100.64.0.1", "shared (carrier-grade NAT)")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast or reserved")]
    [InlineData("64:ff9b::a00:1", "private (RFC 1918)")]
    [InlineData("2002:c0a8:0101::1", "private (RFC 1918)")]
    public void ForbiddenClass_EachRefusedAddressClass_IsNamed(string address, string expected)
    {
        Assert.Equal(expected, OutboundPolicy.ForbiddenClass(IPAddress.Parse(address), allowLoopback: false));
    }

    [Theory]
    [InlineData("203.0.113.10")]
    [InlineData("2001:db8::10")]
    [InlineData("172.32.0.1")]
    public void ForbiddenClass_PublicAddresses_AreAllowed(string address) =>
        Assert.Null(OutboundPolicy.ForbiddenClass(IPAddress.Parse(address), allowLoopback: false));

    [Fact]
    public void ForbiddenClass_InDevelopment_AllowsLoopbackOnly() =>
        Assert.Equal([null, null, "private (RFC 1918)", "link-local", "cloud metadata"],
            new[] { "127.0.0.1", "::1", "10.0.0.1", "fe80::1", "169.254.169.254" }
                .Select(a => OutboundPolicy.ForbiddenClass(IPAddress.Parse(a), allowLoopback: true)));

    [Theory]
    [InlineData("Production", "https://login.procore.com/", null)]
    [InlineData("Production", "https://proxy.example.test/", null)]
    [InlineData("Production", "https://a.wild.example.test/", null)]
    [InlineData("Production", "https://wild.example.test/", "allow-list")]
    [InlineData("Production", "https://evil.example/", "allow-list")]
    [InlineData("Production", "http://proxy.example.test/", "only https")]
    [InlineData("Production", "https://user@proxy.example.test/", "user info")]
    [InlineData("Production", "ftp://proxy.example.test/", "scheme")]
    [InlineData("Production", "https://203.0.113.10/", "IP addresses are not allowed")]
    [InlineData("Production", "https://169.254.169.254/", "cloud metadata")]
    [InlineData("Production", "http://127.0.0.1:5380/", "loopback")]
    [InlineData("Production", "https://[::1]/", "loopback")]
    [InlineData("Development", "http://127.0.0.1:5380/", null)]
    [InlineData("Development", "http://10.0.0.1/", "private")]
    [InlineData("Development", "http://evil.example/", "only https")]
    [InlineData("Development", "https://evil.example/", "allow-list")]
    public async Task CheckUrl_AppliesSchemeHostAndAddressRules(string environment, string url, string? refusal)
    {
        await using var w = Wire(environment,
            new("Outbound:AllowedHosts:0", "proxy.example.test"), new("Outbound:AllowedHosts:1", "*.wild.example.test"));

        var reason = w.Policy.CheckUrl(new Uri(url));

        if (refusal is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(refusal, reason);
        }
    }

    [Fact]
    public async Task ProcoreClient_HostResolvingToAPrivateAddress_IsRefusedBeforeAnySocket_NotRetried_AndRecorded()
    {
        await using var w = Wire("Production", new("Outbound:AllowedHosts:0", "proxy.example.test"), new("ProcoreClient:AllowCustomEnvironment", "true"));
        w.Resolver.Answer = (_, _) => [IPAddress.Parse("10.20.30.40")];

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => w.Procore.AcquireTokenAsync(Custom("https://proxy.example.test/", "https://proxy.example.test/")));

        Assert.Equal(ProcoreErrorKind.RequestNotAllowed, ex.Kind);
        Assert.Contains("private (RFC 1918)", ex.Message);
        Assert.Single(w.Resolver.Lookups);
        var row = Assert.Single(w.Refusals.Rows);
        Assert.Equal("proxy.example.test", row.Host);
    }

    [Fact]
    public async Task Connect_OpensTheSocketToTheAddressesThatWereChecked_NotToASecondLookup()
    {
        // DNS is asked once, at connect time, and the socket goes to exactly that answer: a name whose answer changes
        // between a check and the connect (DNS rebinding) has no second answer to slip through.
        await using var w = Wire("Development", new("Outbound:AllowedHosts:0", "simulator.example.test"), new("Outbound:AllowedHosts:1", "other.example.test"));
        w.Resolver.Answer = (_, _) => [IPAddress.Loopback];
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var socket = await w.Policy.ConnectSocketAsync("simulator.example.test", port, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync();

        Assert.True(socket.Connected);
        Assert.Equal(["simulator.example.test"], w.Resolver.Lookups);
        w.Resolver.Answer = (_, _) => [IPAddress.Parse("192.168.0.10")];
        var refused = await Assert.ThrowsAsync<OutboundRefusedException>(() => w.Policy.ConnectSocketAsync("other.example.test", port, CancellationToken.None));
        Assert.Contains("private (RFC 1918)", refused.Reason);
        Assert.Equal("other.example.test", Assert.Single(w.Refusals.Rows).Host);
    }

    [Fact]
    public async Task Webhook_HostResolvingToAMetadataAddress_IsRefusedAtConnectTime()
    {
        await using var w = Wire("Production", KeyValuePair.Create<string, string?>("Outbound:AllowedHosts:0", "hooks.example.test"));
        w.Resolver.Answer = (_, _) => [IPAddress.Parse("169.254.169.254")];

        var ex = await Assert.ThrowsAsync<OutboundRefusedException>(() => w.Http("webhook-like").PostAsync("https://hooks.example.test/services/x", new StringContent("{}")));

        Assert.Contains("cloud metadata", ex.Reason);
        Assert.Single(w.Resolver.Lookups);
    }

    [Fact]
    public async Task ProcoreClient_CustomEnvironment_IsOffOutsideDevelopmentUnlessEnabled()
    {
        await using var production = Wire("Production");
        await using var enabled = Wire("Production", KeyValuePair.Create<string, string?>("ProcoreClient:AllowCustomEnvironment", "true"));
        await using var development = Wire("Development");

        Assert.False(production.Services.GetRequiredService<IOptions<ProcoreClientOptions>>().Value.AllowCustomEnvironment);
        Assert.True(enabled.Services.GetRequiredService<IOptions<ProcoreClientOptions>>().Value.AllowCustomEnvironment);
        Assert.True(development.Services.GetRequiredService<IOptions<ProcoreClientOptions>>().Value.AllowCustomEnvironment);
        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => production.Procore.AcquireTokenAsync(Custom("https://login.procore.com/", "https://api.procore.com/")));
        Assert.Equal(ProcoreErrorKind.RequestNotAllowed, ex.Kind);
    }

    [Fact]
    public async Task ProcoreClient_MetadataAddressAsBaseUrl_IsRefusedWithAPlainMessage()
    {
        await using var w = Wire("Development");

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => w.Procore.AcquireTokenAsync(Custom("http://169.254.169.254/", "http://169.254.169.254/")));

        Assert.Equal(ProcoreErrorKind.RequestNotAllowed, ex.Kind);
        Assert.Contains("cloud metadata addresses are not allowed", ex.Message);
        Assert.Empty(w.Resolver.Lookups);
        Assert.Equal("169.254.169.254", Assert.Single(w.Refusals.Rows).Host);
    }

    [Theory]
    [InlineData(ProcoreAdmin.ProcoreClient.ProcoreClient.HttpClientName)]
    [InlineData("webhook-like")]
    public async Task Redirect_IsNeverFollowed_SoNoTokenOrSecretReachesTheRedirectTarget(string client)
    {
        await using var w = Wire("Development");
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        var targetPort = ((IPEndPoint)target.LocalEndpoint).Port;
        var accepted = 0;
        var acceptTask = Task.Run(async () =>
        {
            try
            {
                using var c = await target.AcceptTcpClientAsync();
                Interlocked.Increment(ref accepted);
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
        await using var redirector = await LoopbackRedirector.StartAsync($"http://127.0.0.1:{targetPort}/steal");
        if (client == ProcoreAdmin.ProcoreClient.ProcoreClient.HttpClientName)
        {
            // The Procore pipeline only sends requests the client itself built (each carries its request context), so the
            // secret goes out the way production sends it: a token request whose endpoint answers 302.
            var baseUrl = redirector.Url[..^"oauth/token".Length];
            await Assert.ThrowsAsync<ProcoreApiException>(() => w.Procore.AcquireTokenAsync(Custom(baseUrl, baseUrl)));
            Assert.True(redirector.Requested, "the token request reached the redirecting endpoint");
        }
        else
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, redirector.Url)
            {
                Content = new FormUrlEncodedContent([KeyValuePair.Create<string?, string?>("client_secret", "TESTSECRET-" + Guid.NewGuid().ToString("N"))]),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "TESTTOKEN");

            using var response = await w.Http(client).SendAsync(request);

            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        }

        target.Stop();
        await acceptTask;
        Assert.Equal(0, accepted);
    }

    /// <summary>A one-shot HTTP server on 127.0.0.1 that answers 302 to a given location.</summary>
    private sealed class LoopbackRedirector : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serve;

        private LoopbackRedirector(TcpListener listener, string location)
        {
            _listener = listener;
            _serve = Task.Run(async () =>
            {
                using var client = await _listener.AcceptTcpClientAsync();
                await using var stream = client.GetStream();
                var buffer = new byte[8192];
                var text = "";
                while (!text.Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        return;
                    }

                    text += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                }

                var reply = $"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                Volatile.Write(ref _requested, true);
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(reply));
            });
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/oauth/token";

        private bool _requested;

        /// <summary>True once a request has been read (set before the 302 is written).</summary>
        public bool Requested => Volatile.Read(ref _requested);

        public static Task<LoopbackRedirector> StartAsync(string location)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new LoopbackRedirector(listener, location));
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _serve;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
            {
            }
        }
    }
}

using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>The hub only from our own pages, a CSP without ws:/wss: wildcards, no-store downloads, no authorization code in logs.</summary>
[Collection(AppCollection.Name)]
public sealed class BrowserBoundaryTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost.evil.example", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost", HttpStatusCode.OK)]
    public async Task BlazorHub_FromAnotherOrigin_IsRefused(string origin, HttpStatusCode expected)
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1").As(TestSignInExtensions.RolesFor("Viewer"));
        request.Headers.Add("Origin", origin);

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task EveryFormEndpoint_PostWithoutAntiforgeryToken_IsRejectedWith400()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        var posts = _app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true
                        && !e.RoutePattern.RawText!.StartsWith("/_", StringComparison.Ordinal)
                        && !e.RoutePattern.RawText.StartsWith("/hangfire", StringComparison.Ordinal))
            .Select(e => "/" + string.Join('/', e.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                _ => "1",
            })))))
            .Distinct()
            .ToList();

        Assert.Contains("/account/signout", posts);
        Assert.Contains("/credentials/new", posts);
        foreach (var path in posts)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([]) }
                .As(TestSignInExtensions.RolesFor("Admin"));
            request.Headers.Add("Origin", "http://localhost");
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path} without an antiforgery token answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task ContentSecurityPolicy_ConnectsOnlyToItself_NoWebSocketWildcards()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/account/signed-out");

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("connect-src 'self';", csp);
        Assert.DoesNotContain("ws:", csp);
        Assert.DoesNotContain("wss:", csp);
    }

    [Fact]
    public async Task Downloads_AuditCsvAndAnyAttachment_AreNoStore()
    {
        using var app = _app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddTransient<IStartupFilter, DownloadEndpoint>()));
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var audit = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/audit/export.csv").As(TestSignInExtensions.RolesFor("Viewer")));
        using var other = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/test-download").As(TestSignInExtensions.RolesFor("Viewer")));

        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.True(audit.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.NotNull(other.Content.Headers.ContentDisposition);
        Assert.True(other.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public void OpenIdConnectHandler_WithTraceLoggingConfigured_NeverLogsAtTrace()
    {
        using var app = _app.WithWebHostBuilder(b => b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        })));
        using var scope = app.Services.CreateScope();
        var handler = scope.ServiceProvider.GetRequiredService<OpenIdConnectHandler>();
        var logger = (ILogger)typeof(Microsoft.AspNetCore.Authentication.AuthenticationHandler<OpenIdConnectOptions>)
            .GetProperty("Logger", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(handler)!;

        Assert.True(scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Other").IsEnabled(LogLevel.Trace));
        Assert.False(logger.IsEnabled(LogLevel.Trace));
        Assert.True(logger.IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void TraceSuppressingLoggerFactory_DropsTraceEvenWhenCalledDirectly()
    {
        var collector = new FakeLogCollector();
        using var inner = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        var logger = new TraceSuppressingLoggerFactory(inner).CreateLogger("Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectHandler");

        logger.Log(LogLevel.Trace, "MessageReceived: '?code=TESTCODE-123&state=x'");
        logger.LogInformation("AuthenticationScheme: OpenIdConnect signed in.");

        Assert.Equal(["AuthenticationScheme: OpenIdConnect signed in."], collector.GetSnapshot().Select(r => r.Message));
    }

    private sealed class DownloadEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(async context =>
            {
                context.Response.ContentType = "text/csv";
                context.Response.Headers.ContentDisposition = "attachment; filename=\"x.csv\"";
                await context.Response.WriteAsync("a,b\n");
            });
        };
    }
}

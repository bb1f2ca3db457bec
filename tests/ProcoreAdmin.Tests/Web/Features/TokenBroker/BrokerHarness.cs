using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ProcoreAdmin.Data;
using ProcoreAdmin.DevIdentity;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Web.Hosting;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.TokenBroker;

/// <summary>
/// The real app in Development with both companions on free loopback ports: DevIdentity (staff sign-in and the seeded
/// machine client) and the Procore simulator with the demo credential, which the seed grants to the machine client.
/// Every log line at Trace is collected, so tests can prove that no token or secret is logged.
/// </summary>
public sealed class BrokerHarness : IDisposable
{
    public const string Northwind = "5000000001";
    public const long NorthwindId = 5000000001;
    public const long ContosoId = 5000000002;
    public const string DemoSecret = "FAKE-procoreadmin-demo-secret-not-real";

    private readonly AppFactory _factory;
    private readonly WebApplicationFactory<Program> _app;

    public BrokerHarness(IDictionary<string, string?>? settings = null, bool useTestSignIn = true)
    {
        _factory = new AppFactory { UseTestSignIn = useTestSignIn };
        _factory.Settings["DevelopmentCompanions:Simulator"] = "true";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _factory.Settings[key] = value;
        }

        _app = _factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddFakeLogging()));
        Client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public DevelopmentCompanions Companions => Services.GetRequiredService<DevelopmentCompanions>();

    public SimulatorHost Simulator => Companions.Simulator!;

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public IDbContextFactory<AppDbContext> Db => Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    public HttpClient NewClient(bool allowRedirect = false) => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = allowRedirect });

    /// <summary>A client-credentials access token of DevIdentity's seeded machine client (what an integration does first).</summary>
    public Task<string> MachineTokenAsync() => MachineTokenAsync(new Uri(Companions.DevIdentityClient!.Authority));

    public static async Task<string> MachineTokenAsync(Uri issuer)
    {
        var defaults = new DevIdentityOptions { ClientSecret = "-" };
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(issuer, "connect/token"), new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", defaults.MachineClientId!),
            new("client_secret", defaults.MachineClientSecret),
        ]));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task<HttpResponseMessage> RequestTokenAsync(string? bearer, long companyId, string? rejectedTokenId = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/procore-tokens")
        {
            Content = JsonContent.Create(new Dictionary<string, object?> { ["company_id"] = companyId, ["rejected_token_id"] = rejectedTokenId }),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await (client ?? Client).SendAsync(request);
    }

    /// <summary>Runs a service in a scope whose Blazor authentication state is a signed-in Admin.</summary>
    public async Task<T> AsAdminAsync<TService, T>(Func<TService, Task<T>> action)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        var state = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var identity = new ClaimsIdentity(
            [new Claim("sub", "admin-subject"), new Claim("iss", "https://test-idp"), new Claim("name", "Test Admin"),
             // Signed in just now: promotion is a step-up action that needs a recent sign-in.
             new Claim(CurrentStaff.AuthTimeClaim, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
             .. TestSignInExtensions.RolesFor(StaffRoles.Admin).Select(r => new Claim(StaffRoles.ClaimType, r))],
            "test", "name", StaffRoles.ClaimType);
        state.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Runs a service in a plain scope (no user: how a background job or the engine's own steps run).</summary>
    public async Task<T> InScopeAsync<TService, T>(Func<TService, Task<T>> action)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Every collected log line with its structured state, for secret greps.</summary>
    public string AllLogText() => string.Join('\n', Logs.GetSnapshot().Select(r =>
        r.Message + " " + r.Exception + " " + string.Join(';', r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])));

    public void Dispose()
    {
        Client.Dispose();
        _app.Dispose();
        _factory.Dispose();
    }
}

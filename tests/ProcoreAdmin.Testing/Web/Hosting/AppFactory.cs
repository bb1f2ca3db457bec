using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>
/// The real app in Development with a temporary SQLite file and key folder, the real DevIdentity on a free
/// loopback port, and a test sign-in scheme driven by headers (<see cref="TestSignIn"/>) so role checks need no browser.
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("procoreadmin-test-").FullName;

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["DevelopmentCompanions:DevIdentityUrl"] = "http://127.0.0.1:0",
        ["DevelopmentCompanions:SimulatorUrl"] = "http://127.0.0.1:0",
        ["DevelopmentCompanions:Simulator"] = "false",
        ["Hangfire:ServerEnabled"] = "false",
    };

    public string EnvironmentName { get; set; } = "Development";

    public bool UseTestSignIn { get; set; } = true;

    public string DatabaseFile => Path.Combine(Folder, "procoreadmin.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("Database:ConnectionString", $"Data Source={DatabaseFile}");
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(Folder, "keys"));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (UseTestSignIn)
        {
            builder.ConfigureTestServices(services =>
            {
                services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, TestSignIn>(TestSignIn.SchemeName, _ => { });
                services.PostConfigure<AuthenticationOptions>(o => o.DefaultAuthenticateScheme = TestSignIn.SchemeName);
            });
        }
    }

    /// <summary>Starts the app on real Kestrel at 127.0.0.1 (the in-process test server hides Hangfire's local-request rule).</summary>
    public Uri StartKestrel()
    {
        UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a background thread; the temp folder is cleaned by the OS.
            }
        }
    }
}

/// <summary>
/// A test-only authentication scheme: the header <c>X-Test-Roles</c> (comma-separated app roles) signs the request in.
/// Without the header the request is anonymous and the real OIDC challenge runs.
/// </summary>
public sealed class TestSignIn(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string RolesHeader = "X-Test-Roles";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(RolesHeader, out var roles))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new("sub", "test-user"), new("name", "Test User"), new("iss", "https://test-idp"),
            new("auth_time", TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        claims.AddRange(roles.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(StaffRoles.ClaimType, r.Trim())));
        var identity = new ClaimsIdentity(claims, SchemeName, "name", StaffRoles.ClaimType);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

public static class TestSignInExtensions
{
    public static HttpRequestMessage As(this HttpRequestMessage request, params string[] roles)
    {
        request.Headers.Add(TestSignIn.RolesHeader, string.Join(',', roles));
        return request;
    }

    public static string[] RolesFor(string role) => role switch
    {
        StaffRoles.Admin => [StaffRoles.Viewer, StaffRoles.Operator, StaffRoles.Admin],
        StaffRoles.Operator => [StaffRoles.Viewer, StaffRoles.Operator],
        StaffRoles.Viewer => [StaffRoles.Viewer],
        _ => [],
    };
}

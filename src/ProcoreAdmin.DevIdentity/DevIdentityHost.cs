using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ProcoreAdmin.DevIdentity;

/// <summary>
/// Builds the provider's own <see cref="WebApplication"/>: a separate DI container that reads no configuration
/// (no appsettings, no environment variables), so nothing of the hosting web app leaks in.
/// </summary>
/// <summary>The <c>aud</c> of client-credentials access tokens.</summary>
internal sealed record MachineClientAudience(string Value);

internal static class DevIdentityHost
{
    public const string CookieScheme = "ProcoreAdmin.DevIdentity";
    public const string CookieName = ".ProcoreAdmin.DevIdentity";
    public const string AntiforgeryCookieName = ".ProcoreAdmin.DevIdentity.Antiforgery";

    public static readonly string[] SupportedScopes = [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles];

    public static WebApplication Build(Uri listenUri, string sqliteConnectionString, RSA signingKey, string machineClientAudience, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DevIdentityHost).Assembly.GetName().Name,
            EnvironmentName = Environments.Development,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls(listenUri.GetLeftPart(UriPartial.Authority));

        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        builder.Services.AddRouting();
        builder.Services.AddSingleton(new DevIdentityClock(time ?? TimeProvider.System));

        // Cookie and antiforgery keys live in memory: no key files, and nothing shared with the web app.
        builder.Services.AddDataProtection().SetApplicationName(CookieScheme);
        builder.Services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new InMemoryXmlRepository();
            o.XmlEncryptor = new NullXmlEncryptor();
        });

        // Cookies on 127.0.0.1 are shared by all ports, so every cookie of this app gets its own name.
        builder.Services.AddAntiforgery(o => o.Cookie.Name = AntiforgeryCookieName);
        builder.Services.AddAuthentication(CookieScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = AccountEndpoints.LoginPath;
                o.ReturnUrlParameter = "returnUrl";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
            });

        builder.Services.AddDbContext<DevIdentityDbContext>(o =>
        {
            o.UseSqlite(sqliteConnectionString);
            o.UseOpenIddict();
        });

        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DevIdentityDbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris(ConnectEndpoints.AuthorizePath.TrimStart('/'))
                 .SetTokenEndpointUris(ConnectEndpoints.TokenPath.TrimStart('/'))
                 .SetEndSessionEndpointUris(ConnectEndpoints.EndSessionPath.TrimStart('/'))
                 .SetUserInfoEndpointUris(ConnectEndpoints.UserInfoPath.TrimStart('/'));

                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.AllowClientCredentialsFlow(); // machine clients (integration services) of the token broker
                o.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain)); // S256 only
                o.RegisterScopes(SupportedScopes);
                o.RegisterClaims(Claims.Subject, Claims.Name, Claims.PreferredUsername, Claims.Email, DevIdentityClaims.Groups);

                // Per-run in-memory keys: tokens never outlive a run. Not AddEphemeralSigningKey/EncryptionKey(): they took
                // 2-5 s per start on a 2-core machine. An RSA signing key (RS256, what every OIDC client accepts) and a
                // symmetric key for the provider's own encrypted tokens (authorization codes) cost milliseconds.
                o.AddSigningKey(new RsaSecurityKey(signingKey))
                 .AddEncryptionKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)))
                 .DisableAccessTokenEncryption();

                o.UseAspNetCore()
                 .EnableAuthorizationEndpointPassthrough()
                 .EnableTokenEndpointPassthrough()
                 .EnableEndSessionEndpointPassthrough()
                 .EnableUserInfoEndpointPassthrough()
                 .DisableTransportSecurityRequirement(); // plain http on loopback
            });

        builder.Services.AddSingleton(new MachineClientAudience(machineClientAudience));

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        AccountEndpoints.Map(app);
        ConnectEndpoints.Map(app);
        return app;
    }
}

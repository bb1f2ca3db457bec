using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>Told about every successful OIDC sign-in (the audit trail records it).</summary>
public interface ISignInAuditor
{
    Task SignedInAsync(ClaimsPrincipal principal, CancellationToken ct);
}

/// <summary>
/// Staff sign-in: OIDC authorization code + PKCE with a cookie session, roles mapped from a configurable claim,
/// and a fallback policy so every endpoint requires a signed-in staff member unless it opts out.
/// </summary>
public static class AuthenticationSetup
{
    public const string CookieName = ".ProcoreAdmin.Session";
    public const string SecureCookieName = "__Host-ProcoreAdmin.Session";

    public static WebApplicationBuilder AddStaffAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StaffAuthenticationOptions>()
            .Bind(builder.Configuration.GetSection(StaffAuthenticationOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StaffAuthenticationOptions>, StaffAuthenticationOptionsValidator>();

        var isDevelopment = builder.Environment.IsDevelopment();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                // __Host- needs Secure; plain http is only for the local development loop.
                o.Cookie.Name = isDevelopment ? CookieName : SecureCookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = isDevelopment ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                o.SlidingExpiration = true;
                o.AccessDeniedPath = "/account/access-denied";
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    // A plain 403 (rendered by the status page), not a redirect: scripts and the Hangfire dashboard see the truth.
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect();

        // The handler's own logger never writes Trace: at Trace it logs the authorization response, code included.
        services.AddTransient(sp => new OpenIdConnectHandler(
            sp.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>(),
            new TraceSuppressingLoggerFactory(sp.GetRequiredService<ILoggerFactory>()),
            sp.GetService<System.Text.Encodings.Web.HtmlEncoder>() ?? System.Text.Encodings.Web.HtmlEncoder.Default,
            sp.GetService<System.Text.Encodings.Web.UrlEncoder>() ?? System.Text.Encodings.Web.UrlEncoder.Default));

        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<StaffAuthenticationOptions>>((cookie, staff) => cookie.ExpireTimeSpan = staff.Value.SessionIdleTimeout);

        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IOptions<StaffAuthenticationOptions>, DevelopmentCompanions>((oidc, staffOptions, companions) =>
            {
                var staff = staffOptions.Value;
                var devIdentity = string.IsNullOrWhiteSpace(staff.Authority) ? companions.DevIdentityClient : null;

                oidc.Authority = devIdentity?.Authority ?? staff.Authority;
                oidc.ClientId = devIdentity?.ClientId ?? staff.ClientId;
                oidc.ClientSecret = devIdentity?.ClientSecret ?? staff.ClientSecret;
                oidc.RequireHttpsMetadata = devIdentity is null && staff.RequireHttpsMetadata;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                oidc.MapInboundClaims = false;
                oidc.SaveTokens = false; // only the id_token is kept (below): it is the end-session hint
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.Scope.Clear();
                foreach (var scope in staff.Scopes)
                {
                    oidc.Scope.Add(scope);
                }

                oidc.TokenValidationParameters.NameClaimType = staff.NameClaim;
                oidc.TokenValidationParameters.RoleClaimType = StaffRoles.ClaimType;
                oidc.SignedOutCallbackPath = "/signout-callback-oidc";
                oidc.CorrelationCookie.Name = ".ProcoreAdmin.Correlation.";
                oidc.NonceCookie.Name = ".ProcoreAdmin.Nonce.";
                oidc.Events.OnTokenValidated = async context =>
                {
                    MapRoles(context.Principal, staff);
                    // Keep the cookie small: no access token, just the id_token for the identity provider's sign-out.
                    if (context.TokenEndpointResponse?.IdToken is { } idToken)
                    {
                        context.Properties?.StoreTokens([new AuthenticationToken { Name = "id_token", Value = idToken }]);
                    }

                    if (context.Principal is { } principal && context.HttpContext.RequestServices.GetService<ISignInAuditor>() is { } auditor)
                    {
                        await auditor.SignedInAsync(principal, context.HttpContext.RequestAborted);
                    }
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(StaffRoles.Policies.Staff, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Viewer))
            .AddPolicy(StaffRoles.Policies.Operate, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Operator))
            .AddPolicy(StaffRoles.Policies.Administer, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles.Admin))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(StaffRoles.Viewer).Build());

        services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>Adds app role claims for the IdP values in the configured role claim (JSON arrays included).</summary>
    public static void MapRoles(ClaimsPrincipal? principal, StaffAuthenticationOptions staff)
    {
        if (principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        var idpValues = identity.FindAll(staff.RoleClaim).SelectMany(c => SplitClaimValue(c.Value));
        foreach (var role in StaffRoles.Expand(staff.MapRoles(idpValues)))
        {
            identity.AddClaim(new Claim(StaffRoles.ClaimType, role));
        }
    }

    private static IEnumerable<string> SplitClaimValue(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            return System.Text.Json.JsonSerializer.Deserialize<string[]>(trimmed) ?? [];
        }

        return [trimmed];
    }

    /// <summary>Sign-in, sign-out and the pages a signed-out visitor may see.</summary>
    public static WebApplication MapStaffAccountEndpoints(this WebApplication app)
    {
        var account = app.MapGroup("/account").AllowAnonymous();
        account.MapGet("/signin", (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOrRoot(returnUrl) }));

        // A form POST with an antiforgery token ([FromForm] makes the antiforgery middleware validate it).
        // Signing out of the OIDC scheme also ends the identity provider's session (end-session endpoint).
        account.MapPost("/signout", ([FromForm] string? returnUrl) =>
            Results.SignOut(
                new AuthenticationProperties { RedirectUri = "/account/signed-out" },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        return app;
    }

    private static string LocalOrRoot(string? returnUrl) => LocalReturnUrl(returnUrl);

    /// <summary>
    /// <paramref name="returnUrl"/> when it is a plain local path on this app, otherwise "/". Refused: anything not starting
    /// with exactly one '/', "//" and "/\" (a browser reads both as another host), backslashes, whitespace, control and
    /// non-ASCII characters anywhere, and the same tricks percent-encoded in the path (decoded up to three times, as
    /// browsers and proxies may do). The query may carry encoded values; it cannot change the host.
    /// </summary>
    public static string LocalReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 2048 || !IsPlainLocal(returnUrl))
        {
            return "/";
        }

        var query = returnUrl.IndexOfAny(['?', '#']);
        var path = query < 0 ? returnUrl : returnUrl[..query];
        for (var round = 0; round < 3; round++)
        {
            if (!WellFormedEscapes(path))
            {
                return "/";
            }

            string decoded;
            try
            {
                decoded = Uri.UnescapeDataString(path);
            }
            catch (UriFormatException)
            {
                return "/";
            }

            if (decoded == path)
            {
                return returnUrl;
            }

            if (!IsPlainLocal(decoded))
            {
                return "/";
            }

            path = decoded;
        }

        return "/"; // still encoded after three rounds: nobody needs that
    }

    private static bool WellFormedEscapes(string value)
    {
        for (var i = value.IndexOf('%'); i >= 0; i = value.IndexOf('%', i + 1))
        {
            if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPlainLocal(string value) =>
        value.Length > 0 && value[0] == '/'
        && (value.Length == 1 || (value[1] != '/' && value[1] != '\\'))
        && value.All(c => c is > ' ' and < '\x7f' and not '\\');
}

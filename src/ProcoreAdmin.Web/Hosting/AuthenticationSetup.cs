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

    /// <summary>A sign-in that did not complete (IdP error, invalid token, cancelled). <paramref name="reason"/> carries no secret.</summary>
    Task SignInFailedAsync(string issuer, string reason, CancellationToken ct);
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
            .Bind(builder.Configuration.GetSection(StaffAuthenticationOptions.SectionName))
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
            .Configure<IOptions<StaffAuthenticationOptions>, IDevelopmentCompanions>((oidc, staffOptions, companions) =>
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
                // The handler deletes iss (and would keep auth_time only by chance): the audit trail needs the real issuer
                // on every row, and the step-up check needs the time of the last authentication.
                oidc.ClaimActions.Remove("iss");
                oidc.ClaimActions.Remove(CurrentStaff.AuthTimeClaim);
                oidc.Events.OnRedirectToIdentityProvider = context =>
                {
                    // Step-up: /account/reauthenticate asks the IdP to authenticate the user again, whatever its own session says.
                    if (context.Properties.Items.TryGetValue(ReauthenticateItem, out var value) && value == "1")
                    {
                        context.ProtocolMessage.Prompt = "login";
                        context.ProtocolMessage.MaxAge = "0";
                    }

                    return Task.CompletedTask;
                };
                oidc.Events.OnRemoteFailure = async context =>
                {
                    if (context.HttpContext.RequestServices.GetService<ISignInAuditor>() is { } auditor)
                    {
                        // The exception type and the IdP's error code only: messages can echo request parameters.
                        var reason = context.Failure is OpenIdConnectProtocolException
                            ? $"The identity provider answered with an error ({Code(context.HttpContext.Request)})"
                            : $"Sign-in failed: {context.Failure?.GetType().Name ?? "unknown error"}";
                        await auditor.SignInFailedAsync((context.Options as OpenIdConnectOptions)?.Authority ?? "unknown", reason, context.HttpContext.RequestAborted);
                    }

                    context.Response.Redirect("/account/signin-failed");
                    context.HandleResponse();
                };
                oidc.Events.OnTokenValidated = async context =>
                {
                    if (context.Principal?.Identity is ClaimsIdentity identity && context.SecurityToken is { } token)
                    {
                        if (!identity.HasClaim(c => c.Type == "iss"))
                        {
                            identity.AddClaim(new Claim("iss", token.Issuer));
                        }

                        if (!identity.HasClaim(c => c.Type == CurrentStaff.AuthTimeClaim))
                        {
                            // An IdP without auth_time: the moment of this sign-in stands for it.
                            identity.AddClaim(new Claim(CurrentStaff.AuthTimeClaim,
                                context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                                ClaimValueTypes.Integer64));
                        }
                    }

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

    /// <summary>Marks a challenge as a step-up (fresh authentication at the IdP).</summary>
    public const string ReauthenticateItem = "procoreadmin.reauthenticate";

    private static string Code(HttpRequest request)
    {
        var error = request.HasFormContentType ? request.Form["error"].ToString() : request.Query["error"].ToString();
        return string.IsNullOrEmpty(error) ? "no error code" : new string(error.Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').Take(60).ToArray());
    }

    private static string[] SplitClaimValue(string value)
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

        // Step-up ("confirm it's you"): the identity provider authenticates the user again (prompt=login, max_age=0) and the new
        // session carries a fresh auth_time. Outside the anonymous group: signed-in staff only (fallback policy); the return URL stays local.
        app.MapGet(RecentSignInRequiredException.ReauthenticatePath, (string? returnUrl) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = LocalOrRoot(returnUrl) };
            properties.Items[ReauthenticateItem] = "1";
            return Results.Challenge(properties, [OpenIdConnectDefaults.AuthenticationScheme]);
        });
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

using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ProcoreAdmin.DevIdentity;

/// <summary>The OpenIddict passthrough endpoints: authorize, token, end session, userinfo.</summary>
internal static class ConnectEndpoints
{
    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string EndSessionPath = "/connect/endsession";
    public const string UserInfoPath = "/connect/userinfo";

    private static readonly string[] GetAndPost = [HttpMethods.Get, HttpMethods.Post];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // Cast to Delegate so the returned IResult is executed (a bare HttpContext method group binds as RequestDelegate).
        endpoints.MapMethods(AuthorizePath, GetAndPost, (Delegate)AuthorizeAsync);
        endpoints.MapPost(TokenPath, (Delegate)ExchangeAsync);
        endpoints.MapMethods(EndSessionPath, GetAndPost, (Delegate)EndSessionAsync);
        endpoints.MapMethods(UserInfoPath, GetAndPost, (Delegate)UserInfoAsync);
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await context.AuthenticateAsync(DevIdentityHost.CookieScheme);
        var user = session.Succeeded ? DevIdentityUsers.FindBySubject(session.Principal?.FindFirst(Claims.Subject)?.Value) : null;
        var authTime = long.TryParse(session.Principal?.FindFirst(Claims.AuthenticationTime)?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        var now = context.RequestServices.GetRequiredService<DevIdentityClock>().Time.GetUtcNow();

        // Re-authentication (step-up): prompt=login always shows the login form again; max_age does when the last password
        // check is older than it. Like a real provider, the session is ended first and the user must type the password.
        var reauthenticate = user is not null && (request.HasPromptValue(PromptValues.Login)
            || (request.MaxAge is { } maxAge && (authTime is null || now - authTime.Value > TimeSpan.FromSeconds(maxAge))));
        if (user is null || reauthenticate)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            if (reauthenticate)
            {
                await context.SignOutAsync(DevIdentityHost.CookieScheme);
            }

            // Back to this same authorize request after the login form — without prompt/max_age, which the fresh login satisfies.
            var parameters = (context.Request.HasFormContentType ? (IEnumerable<KeyValuePair<string, StringValues>>)context.Request.Form : context.Request.Query)
                .Where(p => p.Key is not (Parameters.Prompt or Parameters.MaxAge));
            var redirectUri = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = redirectUri }, [DevIdentityHost.CookieScheme]);
        }

        var identity = DevIdentityClaims.CreateIdentity(user);
        if (authTime is { } authenticated)
        {
            identity.AddClaim(new Claim(Claims.AuthenticationTime, authenticated.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }

        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(DevIdentityClaims.GetDestinations);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> ExchangeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (request.IsClientCredentialsGrantType())
        {
            return IssueMachineToken(context, request);
        }

        if (!request.IsAuthorizationCodeGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "Only the authorization code and client credentials grants are supported.");
        }

        // OpenIddict has already validated the code, the client secret and the PKCE code_verifier.
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = DevIdentityUsers.FindBySubject(result.Principal?.GetClaim(Claims.Subject));
        if (result.Principal is null || user is null)
        {
            return Forbid(Errors.InvalidGrant, "The authorization code is no longer valid.");
        }

        var identity = new ClaimsIdentity(result.Principal.Claims, DevIdentityClaims.AuthenticationType, Claims.Name, Claims.Role);
        identity.SetDestinations(DevIdentityClaims.GetDestinations);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Client credentials: OpenIddict has already authenticated the client and checked its grant permission. The access
    /// token names the client (<c>sub</c> and <c>client_id</c>) and carries the broker's audience; it is a signed,
    /// unencrypted JWT so any JWT bearer handler can validate it against the published keys.
    /// </summary>
    private static IResult IssueMachineToken(HttpContext context, OpenIddictRequest request)
    {
        var clientId = request.ClientId ?? throw new InvalidOperationException("The client id is missing.");
        var identity = new ClaimsIdentity(DevIdentityClaims.AuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        identity.SetClaim(Claims.Name, clientId);
        identity.SetResources(context.RequestServices.GetRequiredService<MachineClientAudience>().Value);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(static claim => claim.Type is Claims.Subject or Claims.Name ? [Destinations.AccessToken] : []);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> EndSessionAsync(HttpContext context)
    {
        // Ends the IdP's own session, so the next sign-in shows the login form again.
        await context.SignOutAsync(DevIdentityHost.CookieScheme);

        // OpenIddict redirects to the validated post_logout_redirect_uri (with state), or to "/" when none was sent.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = DevIdentityUsers.FindBySubject(result.Principal?.GetClaim(Claims.Subject));
        if (user is null)
        {
            return Results.Challenge(ErrorProperties(Errors.InvalidToken, "The access token is not valid for a known user."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        return Results.Json(new Dictionary<string, object>
        {
            [Claims.Subject] = user.Subject,
            [Claims.Name] = user.DisplayName,
            [Claims.PreferredUsername] = user.Username,
            [Claims.Email] = user.Email,
            [DevIdentityClaims.Groups] = user.Groups,
        });
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(ErrorProperties(error, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static AuthenticationProperties ErrorProperties(string error, string description) =>
        new(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        });
}

using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ProcoreAdmin.DevIdentity;

/// <summary>The IdP's own sign-in: <c>GET/POST /account/login</c> and a small status page at <c>/</c>.</summary>
internal static class AccountEndpoints
{
    public const string LoginPath = "/account/login";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(LoginPath, ShowLogin);
        endpoints.MapPost(LoginPath, SubmitLoginAsync);
        endpoints.MapGet("/", Home);
    }

    private static IResult ShowLogin(HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
        LoginForm(context, antiforgery, returnUrl, username: null, error: null, StatusCodes.Status200OK);

    private static async Task<IResult> SubmitLoginAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? returnUrl = form["returnUrl"];
        string? username = form["username"];

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return LoginForm(context, antiforgery, returnUrl, username, LoginPage.ExpiredFormMessage, StatusCodes.Status400BadRequest);
        }

        var user = DevIdentityUsers.FindByCredentials(username, form["password"]);
        if (user is null)
        {
            return LoginForm(context, antiforgery, returnUrl, username, LoginPage.WrongCredentialsMessage, StatusCodes.Status200OK);
        }

        var identity = new ClaimsIdentity(DevIdentityClaims.AuthenticationType, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Subject));
        identity.AddClaim(new Claim(Claims.Name, user.DisplayName));
        identity.AddClaim(new Claim(Claims.PreferredUsername, user.Username));
        // When the password was checked: the identity token's auth_time (step-up checks in the web app read it).
        var now = context.RequestServices.GetRequiredService<DevIdentityClock>().Time.GetUtcNow();
        identity.AddClaim(new Claim(Claims.AuthenticationTime, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        await context.SignInAsync(DevIdentityHost.CookieScheme, new ClaimsPrincipal(identity));

        return Results.LocalRedirect(IsLocalUrl(returnUrl) ? returnUrl : "/");
    }

    private static IResult Home(HttpContext context)
    {
        var name = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(Claims.Name)?.Value : null;
        var text = name is null
            ? "ProcoreAdmin development identity provider. Not signed in."
            : $"ProcoreAdmin development identity provider. Signed in as {name}.";
        return Results.Text(text, "text/plain; charset=utf-8");
    }

    private static IResult LoginForm(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? username, string? error, int statusCode)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        context.Response.Headers.CacheControl = "no-store";
        var html = LoginPage.Render(tokens.FormFieldName, tokens.RequestToken ?? string.Empty, IsLocalUrl(returnUrl) ? returnUrl : null, username, error);
        return Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }

    /// <summary>True for an app-relative path such as <c>/connect/authorize?…</c>; false for absolute, protocol-relative or backslash URLs.</summary>
    internal static bool IsLocalUrl([NotNullWhen(true)] string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return false;
        }

        foreach (var c in url)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}

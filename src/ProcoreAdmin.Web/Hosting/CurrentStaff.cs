using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>A staff member as the audit trail records them: issuer + subject, never an e-mail address.</summary>
public sealed record StaffActor(string Issuer, string Subject, string Name, string? Role)
{
    public static readonly StaffActor System = new("procoreadmin", "system", "System job", null);

    public static StaffActor From(ClaimsPrincipal user) => new(
        // The id token's iss claim (kept at sign-in); else the issuer the handler stamped on the subject claim.
        user.FindFirst("iss")?.Value ?? IssuerOf(user.FindFirst("sub")) ?? "unknown",
        user.FindFirst("sub")?.Value ?? "unknown",
        user.Identity?.Name ?? user.FindFirst("preferred_username")?.Value ?? "unknown",
        StaffRoles.Highest(user));

    private static string? IssuerOf(Claim? claim) =>
        claim is null || string.IsNullOrEmpty(claim.Issuer) || claim.Issuer == ClaimsIdentity.DefaultIssuer ? null : claim.Issuer;
}

/// <summary>Thrown by services when the caller's role does not allow the operation. Nothing has changed when it is thrown.</summary>
public class StaffForbiddenException(string message) : ProcoreAdmin.Web.Shared.UserFacingException(message);

/// <summary>
/// Thrown by services before a dangerous action when the caller's last sign-in (OIDC <c>auth_time</c>) is older than
/// <see cref="StaffAuthenticationOptions.RecentSignInWindow"/>. Nothing has changed. Pages send the browser to
/// <see cref="ReauthenticatePath"/> with a local return URL.
/// </summary>
public sealed class RecentSignInRequiredException(string action)
    : StaffForbiddenException($"Confirm it's you: sign in again to {action}.")
{
    public const string ReauthenticatePath = "/account/reauthenticate";

    public string Action { get; } = action;

    /// <summary>The re-authentication URL that comes back to <paramref name="returnPath"/> (made local).</summary>
    public static string ReauthenticateUrl(string returnPath) => $"{ReauthenticatePath}?returnUrl={Uri.EscapeDataString(returnPath)}";
}

public static class RecentSignInNavigation
{
    /// <summary>"Confirm it's you": a full-page visit to the re-authentication endpoint that comes back to the current page.</summary>
    public static void NavigateToReauthenticate(this Microsoft.AspNetCore.Components.NavigationManager navigation) =>
        navigation.NavigateTo(RecentSignInRequiredException.ReauthenticateUrl("/" + navigation.ToBaseRelativePath(navigation.Uri)), forceLoad: true);
}

/// <summary>Told about refused actions so they are audited and logged (never with a secret).</summary>
public interface IStaffSecurityAuditor
{
    Task DeniedAsync(ClaimsPrincipal user, string requiredRole, string action);

    Task RecentSignInRequiredAsync(ClaimsPrincipal user, string action, DateTimeOffset? authTime);
}

/// <summary>
/// The signed-in staff member for service-level authorization. Services check roles themselves,
/// so hidden buttons are a convenience, not the protection.
/// </summary>
public sealed class CurrentStaff(
    AuthenticationStateProvider authenticationState,
    IStaffSecurityAuditor? auditor = null,
    TimeProvider? time = null,
    IOptions<StaffAuthenticationOptions>? options = null)
{
    /// <summary>The OIDC claim with the time of the user's last active authentication (seconds since the epoch).</summary>
    public const string AuthTimeClaim = "auth_time";

    public async Task<ClaimsPrincipal> GetUserAsync() => (await authenticationState.GetAuthenticationStateAsync()).User;

    /// <summary>Returns the actor when they hold <paramref name="role"/>; otherwise audits the refusal and throws <see cref="StaffForbiddenException"/>.</summary>
    public async Task<StaffActor> RequireAsync(string role, string action)
    {
        var user = await GetUserAsync();
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(role))
        {
            if (auditor is not null)
            {
                await auditor.DeniedAsync(user, role, action);
            }

            throw new StaffForbiddenException($"You need the {role} role to {action}.");
        }

        return StaffActor.From(user);
    }

    /// <summary>
    /// For the most dangerous actions: the role check, then a sign-in no older than the configured window (step-up).
    /// Throws <see cref="RecentSignInRequiredException"/> (audited) when the last authentication is older or unknown.
    /// </summary>
    public async Task<StaffActor> RequireRecentAsync(string role, string action)
    {
        var actor = await RequireAsync(role, action);
        await RequireRecentSignInAsync(action);
        return actor;
    }

    /// <summary>Only the recency check (for a caller that already checked the role).</summary>
    public async Task RequireRecentSignInAsync(string action)
    {
        var user = await GetUserAsync();
        var authTime = AuthTimeOf(user);
        var window = options?.Value.RecentSignInWindow ?? StaffAuthenticationOptions.DefaultRecentSignInWindow;
        var now = (time ?? TimeProvider.System).GetUtcNow();
        if (authTime is null || now - authTime.Value > window || authTime.Value - now > TimeSpan.FromMinutes(5))
        {
            if (auditor is not null)
            {
                await auditor.RecentSignInRequiredAsync(user, action, authTime);
            }

            throw new RecentSignInRequiredException(action);
        }
    }

    public static DateTimeOffset? AuthTimeOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(AuthTimeClaim)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}

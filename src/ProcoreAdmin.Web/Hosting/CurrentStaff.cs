using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>A staff member as the audit trail records them: issuer + subject, never an e-mail address.</summary>
public sealed record StaffActor(string Issuer, string Subject, string Name, string? Role)
{
    public static readonly StaffActor System = new("procoreadmin", "system", "System job", null);

    public static StaffActor From(ClaimsPrincipal user) => new(
        user.FindFirst("iss")?.Value ?? user.Identity?.AuthenticationType ?? "unknown",
        user.FindFirst("sub")?.Value ?? "unknown",
        user.Identity?.Name ?? user.FindFirst("preferred_username")?.Value ?? "unknown",
        StaffRoles.Highest(user));
}

/// <summary>Thrown by services when the caller's role does not allow the operation. Nothing has changed when it is thrown.</summary>
public sealed class StaffForbiddenException(string message) : Exception(message);

/// <summary>
/// The signed-in staff member for service-level authorization. Services check roles themselves,
/// so hidden buttons are a convenience, not the protection.
/// </summary>
public sealed class CurrentStaff(AuthenticationStateProvider authenticationState)
{
    public async Task<ClaimsPrincipal> GetUserAsync() => (await authenticationState.GetAuthenticationStateAsync()).User;

    /// <summary>Returns the actor when they hold <paramref name="role"/>; otherwise throws <see cref="StaffForbiddenException"/>.</summary>
    public async Task<StaffActor> RequireAsync(string role, string action)
    {
        var user = await GetUserAsync();
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(role))
        {
            throw new StaffForbiddenException($"You need the {role} role to {action}.");
        }

        return StaffActor.From(user);
    }
}

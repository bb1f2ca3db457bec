using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Support;

/// <summary>An authentication state for calling services directly as a given role (or anonymous).</summary>
public sealed class FixedAuthenticationState(params string[] roles) : AuthenticationStateProvider
{
    public override Task<AuthenticationState> GetAuthenticationStateAsync()
    {
        var identity = roles.Length == 0 && !SignedInWithoutRole
            ? new ClaimsIdentity()
            : new ClaimsIdentity(
                [new Claim("sub", "test-subject"), new Claim("iss", "https://test-idp"), new Claim("name", "Test Staff"),
                 new Claim("auth_time", (AuthTime ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                 .. roles.Select(r => new Claim(StaffRoles.ClaimType, r))],
                "test", "name", StaffRoles.ClaimType);
        return Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
    }

    public bool SignedInWithoutRole { get; init; }

    /// <summary>The last authentication (OIDC auth_time); null means "just now".</summary>
    public DateTimeOffset? AuthTime { get; init; }

    public static CurrentStaff As(string role) =>
        new(new FixedAuthenticationState(Web.Hosting.TestSignInExtensions.RolesFor(role)));
}

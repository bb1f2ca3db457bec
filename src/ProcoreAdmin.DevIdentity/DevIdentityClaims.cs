using System.Security.Claims;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ProcoreAdmin.DevIdentity;

/// <summary>Builds the claims the provider issues for a seeded user.</summary>
internal static class DevIdentityClaims
{
    /// <summary>Claim type of the group memberships (one claim per group).</summary>
    public const string Groups = "groups";

    /// <summary>Authentication type of the identities handed to OpenIddict and the IdP cookie.</summary>
    public const string AuthenticationType = "ProcoreAdmin.DevIdentity";

    /// <summary>The user's claims: sub, name, preferred_username, email and one groups claim per group.</summary>
    public static ClaimsIdentity CreateIdentity(DevIdentityUser user)
    {
        var identity = new ClaimsIdentity(AuthenticationType, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Subject));
        identity.AddClaim(new Claim(Claims.Name, user.DisplayName));
        identity.AddClaim(new Claim(Claims.PreferredUsername, user.Username));
        identity.AddClaim(new Claim(Claims.Email, user.Email));
        foreach (var group in user.Groups)
        {
            identity.AddClaim(new Claim(Groups, group));
        }

        return identity;
    }

    /// <summary>Every user claim goes into both the identity token and the access token; OpenIddict's private claims stay private.</summary>
    public static IEnumerable<string> GetDestinations(Claim claim) => claim.Type switch
    {
        Claims.Subject or Claims.Name or Claims.PreferredUsername or Claims.Email or Groups =>
            [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.AuthenticationTime => [Destinations.IdentityToken],
        _ => [],
    };
}

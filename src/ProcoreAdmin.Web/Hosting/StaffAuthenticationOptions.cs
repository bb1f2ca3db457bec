using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>
/// Section <c>Authentication:Oidc</c>: the company's OpenID Connect provider (Entra ID, Okta, Keycloak, …).
/// In Development, when <see cref="Authority"/> is empty, the built-in DevIdentity provider is used instead.
/// </summary>
public sealed class StaffAuthenticationOptions
{
    public const string SectionName = "Authentication:Oidc";

    /// <summary>The issuer URL, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Never in a committed file: environment variable <c>Authentication__Oidc__ClientSecret</c> or user secrets.</summary>
    public string? ClientSecret { get; set; }

    public List<string> Scopes { get; set; } = ["openid", "profile", "email"];

    /// <summary>The claim in the ID token that carries the user's groups or roles (Entra: <c>roles</c> or <c>groups</c>; Okta: <c>groups</c>; Keycloak: <c>roles</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim used as the display name.</summary>
    public string NameClaim { get; set; } = "name";

    /// <summary>IdP group/role values per app role: <c>Admin</c>, <c>Operator</c>, <c>Viewer</c>.</summary>
    public Dictionary<string, List<string>> RoleMapping { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Only for a development IdP on http://127.0.0.1. Must stay true in Production.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public static readonly TimeSpan DefaultRecentSignInWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How recent the last sign-in must be for the most dangerous actions (promote a rotated secret, mark a compromise, delete a
    /// credential, change where its secret is sent). Older sessions are sent through the identity provider again
    /// (<c>prompt=login</c>, <c>max_age</c>).
    /// </summary>
    public TimeSpan RecentSignInWindow { get; set; } = DefaultRecentSignInWindow;

    /// <summary>Sign-in session length (sliding).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The app roles that <paramref name="idpValues"/> map to (before expansion).</summary>
    public IEnumerable<string> MapRoles(IEnumerable<string> idpValues)
    {
        var values = idpValues.ToHashSet(StringComparer.Ordinal);
        foreach (var (role, mapped) in RoleMapping)
        {
            var appRole = StaffRoles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
            if (appRole is not null && mapped.Any(values.Contains))
            {
                yield return appRole;
            }
        }
    }
}

/// <summary>Start-up validation with messages that say what to fix.</summary>
public sealed class StaffAuthenticationOptionsValidator(IHostEnvironment environment, IOptions<DevelopmentCompanionsOptions> companions)
    : IValidateOptions<StaffAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, StaffAuthenticationOptions options)
    {
        var failures = new List<string>();
        var usesDevIdentity = string.IsNullOrWhiteSpace(options.Authority) && environment.IsDevelopment() && companions.Value.DevIdentity;

        if (!usesDevIdentity)
        {
            if (string.IsNullOrWhiteSpace(options.Authority) || !Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority))
            {
                failures.Add("Authentication:Oidc:Authority is missing or not an absolute URL. Set it to your identity provider's issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0, https://<org>.okta.com/oauth2/default or https://<host>/realms/<realm>.");
            }
            else if (options.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add("Authentication:Oidc:Authority must use https (RequireHttpsMetadata is on).");
            }

            if (!environment.IsDevelopment() && !options.RequireHttpsMetadata)
            {
                failures.Add("Authentication:Oidc:RequireHttpsMetadata may only be false in Development.");
            }

            if (string.IsNullOrWhiteSpace(options.ClientId))
            {
                failures.Add("Authentication:Oidc:ClientId is missing. Use the application (client) id registered with your identity provider.");
            }

            if (string.IsNullOrWhiteSpace(options.ClientSecret))
            {
                failures.Add("Authentication:Oidc:ClientSecret is missing. Set the environment variable Authentication__Oidc__ClientSecret or a user secret; never put it in a committed file.");
            }

            if (!options.RoleMapping.TryGetValue(StaffRoles.Admin, out var admins) || admins.Count == 0)
            {
                failures.Add("Authentication:Oidc:RoleMapping:Admin needs at least one IdP group or role value, or nobody can manage credentials.");
            }
        }

        foreach (var key in options.RoleMapping.Keys)
        {
            if (!StaffRoles.All.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"Authentication:Oidc:RoleMapping has an unknown app role '{key}'. Use Admin, Operator or Viewer.");
            }
        }

        if (options.RecentSignInWindow <= TimeSpan.Zero || options.RecentSignInWindow > TimeSpan.FromHours(1))
        {
            failures.Add("Authentication:Oidc:RecentSignInWindow must be between 00:00:01 and 01:00:00 (default 00:10:00).");
        }

        if (!options.Scopes.Contains("openid"))
        {
            failures.Add("Authentication:Oidc:Scopes must include 'openid'.");
        }

        if (string.IsNullOrWhiteSpace(options.RoleClaim))
        {
            failures.Add("Authentication:Oidc:RoleClaim is empty. Name the ID-token claim that carries groups or roles (e.g. 'groups' or 'roles').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

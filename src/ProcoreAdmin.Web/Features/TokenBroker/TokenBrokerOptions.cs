using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Features.TokenBroker;

/// <summary>
/// Section <c>TokenBroker</c>: integration services (machine clients of the staff identity provider) get Procore access
/// tokens from ProcoreAdmin and never hold a Procore client secret.
/// </summary>
public sealed class TokenBrokerOptions
{
    public const string SectionName = "TokenBroker";

    /// <summary>The <c>aud</c> a machine client's access token must carry (the API's identifier at the identity provider).</summary>
    [Required(ErrorMessage = "TokenBroker:Audience is required: the audience (aud) your identity provider puts in the integration services' client-credentials tokens, e.g. 'api://procoreadmin' or 'procoreadmin-broker'.")]
    public string Audience { get; set; } = "procoreadmin-broker";

    /// <summary>The issuer of machine-client tokens. Empty = the staff sign-in provider (<c>Authentication:Oidc:Authority</c>, or DevIdentity in Development).</summary>
    public string? Authority { get; set; }

    /// <summary>Only for a development issuer on http://127.0.0.1. Must stay true in Production.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The token claims that carry the client id, first match wins (OpenIddict/Keycloak <c>client_id</c>/<c>azp</c>, Entra <c>appid</c>/<c>azp</c>, Okta <c>cid</c>).</summary>
    public string[]? ClientIdClaims { get; set; }

    public static readonly IReadOnlyList<string> DefaultClientIdClaims = ["client_id", "azp", "appid", "cid"];

    public IReadOnlyList<string> EffectiveClientIdClaims => ClientIdClaims is { Length: > 0 } claims ? claims : DefaultClientIdClaims;

    /// <summary>Allowed clock difference when checking a machine client's token lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a token request waits while a rotation sits between "reset in Procore" and "promote".</summary>
    public TimeSpan RotationWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>While waiting, how often the rotation state is re-read (another instance may promote).</summary>
    public TimeSpan RotationPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Token requests per minute per machine client (token bucket refill).</summary>
    [Range(1, 100_000, ErrorMessage = "TokenBroker:PermitsPerMinute must be between 1 and 100000.")]
    public int PermitsPerMinute { get; set; } = 60;

    /// <summary>Burst size per machine client (token bucket size).</summary>
    [Range(1, 100_000, ErrorMessage = "TokenBroker:Burst must be between 1 and 100000.")]
    public int Burst { get; set; } = 30;
}

public sealed class TokenBrokerOptionsValidator(IHostEnvironment environment) : IValidateOptions<TokenBrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenBrokerOptions o)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(o.Authority))
        {
            if (!Uri.TryCreate(o.Authority, UriKind.Absolute, out var authority))
            {
                errors.Add("TokenBroker:Authority must be an absolute URL (the issuer of the machine clients' tokens), or empty to use Authentication:Oidc:Authority.");
            }
            else if (o.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add("TokenBroker:Authority must use https (TokenBroker:RequireHttpsMetadata is on).");
            }
        }

        if (!environment.IsDevelopment() && !o.RequireHttpsMetadata)
        {
            errors.Add("TokenBroker:RequireHttpsMetadata may only be false in Development.");
        }

        if (o.RotationWait < TimeSpan.Zero || o.RotationWait > TimeSpan.FromMinutes(10))
        {
            errors.Add("TokenBroker:RotationWait must be between 00:00:00 and 00:10:00 (default 00:01:00).");
        }

        if (o.RotationPollInterval < TimeSpan.FromMilliseconds(50) || o.RotationPollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add("TokenBroker:RotationPollInterval must be between 00:00:00.05 and 00:01:00 (default 00:00:01).");
        }

        if (o.ClockSkew < TimeSpan.Zero || o.ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add("TokenBroker:ClockSkew must be between 00:00:00 and 00:05:00.");
        }

        if (o.EffectiveClientIdClaims.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("TokenBroker:ClientIdClaims must not contain empty claim names.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

namespace ProcoreAdmin.DevIdentity;

/// <summary>Settings for the in-process development identity provider.</summary>
public sealed class DevIdentityOptions
{
    /// <summary>Base address to listen on (http, no path). Port 0 picks any free port; see <see cref="DevIdentityServer.Issuer"/>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:5390";

    /// <summary>Client id of the web app's confidential client.</summary>
    public string ClientId { get; set; } = "procoreadmin-web";

    /// <summary>Client secret of the web app's client. Generated per run by the web app; never committed.</summary>
    public required string ClientSecret { get; set; }

    /// <summary>
    /// Client id of the seeded machine client (client-credentials grant), the development stand-in for an integration
    /// service that asks ProcoreAdmin's token broker for Procore tokens. Empty = no machine client.
    /// </summary>
    public string? MachineClientId { get; set; } = "procoreadmin-dev-integration";

    /// <summary>
    /// Its client secret. A well-known development value like the seeded users' password: this provider only runs in
    /// Development on a loopback address.
    /// </summary>
    public string MachineClientSecret { get; set; } = "dev-integration-secret";

    /// <summary>The audience (<c>aud</c>) of the machine client's access tokens: the token broker's configured audience.</summary>
    public string MachineClientAudience { get; set; } = "procoreadmin-broker";

    /// <summary>The RSA key that signs tokens (RS256). Null = a new key per run. Tests pass their own to mint edge-case tokens.</summary>
    public System.Security.Cryptography.RSA? SigningKey { get; set; }

    /// <summary>The host environment of the calling app. Anything but Development makes <see cref="DevIdentityServer.StartAsync"/> throw.</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>The clock of <c>auth_time</c> and the <c>max_age</c> check (the web app passes its own, so tests can move both).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>The provider's clock for sign-in times (not registered as <see cref="System.TimeProvider"/>: tokens keep real time).</summary>
internal sealed record DevIdentityClock(TimeProvider Time);

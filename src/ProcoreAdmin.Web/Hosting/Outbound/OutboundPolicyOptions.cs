using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Hosting.Outbound;

/// <summary>
/// Where the app may connect (section <c>Outbound</c>): every outbound call (Procore token and API calls, Verify now, the API
/// console, health checks, rotation, webhooks, SMTP) goes through <see cref="OutboundPolicy"/>.
/// </summary>
public sealed class OutboundPolicyOptions
{
    public const string SectionName = "Outbound";

    /// <summary>The fixed Procore hosts (production, sandboxes, federal); always allowed.</summary>
    public static readonly IReadOnlyList<string> ProcoreHosts =
    [
        "login.procore.com", "api.procore.com", "login-sandbox.procore.com", "sandbox.procore.com",
        "login-sandbox-monthly.procore.com", "api-monthly.procore.com", "login.procoregov.com", "api.procoregov.com",
    ];

    /// <summary>
    /// Further host names the app may connect to over https, exactly (<c>proxy.example.com</c>) or as a subdomain wildcard
    /// (<c>*.example.com</c>). The configured webhook host and SMTP host are added automatically. Host names only: an
    /// address that a name resolves to is still refused when it is loopback, private, link-local or a metadata address.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Loopback addresses (127.0.0.0/8, ::1) over http or https. Set from the environment: on only in Development
    /// (the simulator and other local stand-ins of Procore); it cannot be turned on by configuration.</summary>
    internal bool AllowLoopback { get; set; }
}

public sealed class OutboundPolicyOptionsValidator : IValidateOptions<OutboundPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundPolicyOptions options)
    {
        var failures = new List<string>();
        foreach (var host in options.AllowedHosts)
        {
            var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (string.IsNullOrWhiteSpace(bare) || Uri.CheckHostName(bare) != UriHostNameType.Dns || bare.Contains('*', StringComparison.Ordinal))
            {
                failures.Add($"Outbound:AllowedHosts entry '{host}' must be a host name such as 'proxy.example.com' or '*.example.com' (no scheme, port, path or IP address).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>
/// Section <c>ReverseProxy</c>: the proxies in front of the app (nginx, a load balancer). Only requests that come from a
/// listed address have their <c>X-Forwarded-For/-Proto/-Host</c> applied, so the app sees the public scheme and host
/// (OIDC redirect URIs, Secure cookies, HSTS) and the real client address. Empty (the default): headers are ignored.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string SectionName = "ReverseProxy";

    /// <summary>IP addresses of the proxies, e.g. <c>10.0.0.5</c> or <c>127.0.0.1</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Public host names the proxy may announce in <c>X-Forwarded-Host</c> (empty: any).</summary>
    public List<string> AllowedHosts { get; set; } = [];
}

public sealed class ReverseProxyOptionsValidator : IValidateOptions<ReverseProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ReverseProxyOptions options)
    {
        var wrong = options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _)).ToList();
        return wrong.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"ReverseProxy:KnownProxies must hold IP addresses; '{string.Join("', '", wrong)}' is not one.");
    }
}

public static class ReverseProxySetup
{
    public static WebApplicationBuilder AddReverseProxySupport(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReverseProxyOptions>()
            .Bind(builder.Configuration.GetSection(ReverseProxyOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ReverseProxyOptions>, ReverseProxyOptionsValidator>();
        var settings = builder.Configuration.GetSection(ReverseProxyOptions.SectionName).Get<ReverseProxyOptions>() ?? new ReverseProxyOptions();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
            }

            o.AllowedHosts = settings.AllowedHosts;
            o.ForwardLimit = 1;
        });
        return builder;
    }

    /// <summary>First in the pipeline, so everything after it sees the public scheme, host and client address.</summary>
    public static WebApplication UseReverseProxySupport(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ReverseProxyOptions>>().Value.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}

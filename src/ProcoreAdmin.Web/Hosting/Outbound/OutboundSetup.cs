using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ProcoreAdmin.Web.Hosting.Outbound;

/// <summary>Registers the outbound policy and puts it on the HttpClients that leave the machine.</summary>
public static class OutboundSetup
{
    public static WebApplicationBuilder AddOutboundPolicy(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<OutboundPolicyOptions>()
            .Bind(builder.Configuration.GetSection(OutboundPolicyOptions.SectionName))
            .PostConfigure(o => o.AllowLoopback = development)
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<OutboundPolicyOptions>, OutboundPolicyOptionsValidator>();
        builder.Services.TryAddSingleton<IOutboundResolver, DnsOutboundResolver>();
        builder.Services.TryAddSingleton<OutboundPolicy>();
        return builder;
    }

    /// <summary>
    /// The primary-handler wiring, in one place: redirects never followed (a redirect must not carry a secret, a token or a
    /// signed body elsewhere) and the policy's connect-time check; plus a handler that checks each request first.
    /// <paramref name="refuse"/> turns a refusal into the exception the client's callers expect.
    /// </summary>
    public static IHttpClientBuilder UseOutboundPolicy(this IHttpClientBuilder client, Func<OutboundRefusedException, Exception>? refuse = null)
    {
        client.ConfigurePrimaryHttpMessageHandler((handler, sp) =>
        {
            var sockets = handler as SocketsHttpHandler
                          ?? throw new InvalidOperationException($"The HttpClient '{client.Name}' must use a SocketsHttpHandler for the outbound policy.");
            sockets.AllowAutoRedirect = false;
            sockets.ConnectCallback = sp.GetRequiredService<OutboundPolicy>().ConnectAsync;
        });
        client.AddHttpMessageHandler(sp => new OutboundPolicyHandler(sp.GetRequiredService<OutboundPolicy>(), refuse ?? (e => e)));
        return client;
    }
}

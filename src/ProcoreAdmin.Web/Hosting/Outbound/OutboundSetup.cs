using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ProcoreAdmin.Web.Hosting.Outbound;

/// <summary>Registers the outbound policy and puts it on the HttpClients that leave the machine.</summary>
public static class OutboundSetup
{
    public static WebApplicationBuilder AddOutboundPolicy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOutboundPolicy();
        return builder;
    }

    /// <summary>Registers the policy once (idempotent): options from section <c>Outbound</c>, loopback only in Development.</summary>
    public static IServiceCollection AddOutboundPolicy(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(OutboundPolicy)))
        {
            return services;
        }

        services.AddOptions<OutboundPolicyOptions>()
            .BindConfiguration(OutboundPolicyOptions.SectionName)
            .PostConfigure<IHostEnvironment>((o, environment) => o.AllowLoopback = environment.IsDevelopment())
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<OutboundPolicyOptions>, OutboundPolicyOptionsValidator>();
        services.TryAddSingleton<IOutboundResolver, DnsOutboundResolver>();
        services.AddSingleton<OutboundPolicy>();
        return services;
    }

    /// <summary>
    /// The primary-handler wiring, in one place: redirects never followed (a redirect must not carry a secret, a token or a
    /// signed body elsewhere) and the policy's connect-time check; plus a handler that checks each request first.
    /// <paramref name="refuse"/> turns a refusal into the exception the client's callers expect.
    /// </summary>
    public static IHttpClientBuilder UseOutboundPolicy(this IHttpClientBuilder client, Func<OutboundRefusedException, Exception>? refuse = null)
    {
        client.Services.AddOutboundPolicy();
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

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ProcoreAdmin.ProcoreClient.Pipeline;

namespace ProcoreAdmin.ProcoreClient;

public static class ProcoreClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IProcoreClient"/> (singleton), its options (validated), <see cref="TimeProvider.System"/>
    /// unless one is registered, and a named <see cref="HttpClient"/> over one long-lived
    /// <see cref="SocketsHttpHandler"/> with connection pooling and automatic redirects off.
    /// Bind configuration with <c>services.AddOptions&lt;ProcoreClientOptions&gt;().BindConfiguration("ProcoreClient")</c>.
    /// </summary>
    public static IServiceCollection AddProcoreClient(this IServiceCollection services, Action<ProcoreClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ProcoreClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProcoreClientOptions>, ProcoreClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var builder = services.AddHttpClient(ProcoreClient.HttpClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static sp =>
                CreatePrimaryHandler(sp.GetRequiredService<IOptions<ProcoreClientOptions>>().Value))
            // One handler for the application's lifetime; PooledConnectionLifetime takes care of DNS changes.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // IHttpClientFactory's default logging is removed: at Trace it redacts header values in the message text
            // but still puts the raw "Authorization: Bearer …" value into the log's structured state, which structured
            // sinks write out (found by SecretHygieneTests). The client logs its own events with [LoggerMessage].
            .RemoveAllLoggers();

        // The pipeline, outermost first: retries (429/5xx/timeouts, within the call's time budget) → pacing on the
        // app's shared quota → bearer token (taken after any pacing wait; one refresh on 401) → per-attempt timeout.
        builder.AddResilienceHandler(ProcoreResilience.PipelineName, ProcoreResilience.Configure);
        builder.AddHttpMessageHandler(static () => new ProcorePacingHandler())
            .AddHttpMessageHandler(static () => new ProcoreAuthHandler())
            .AddHttpMessageHandler(static () => new ProcoreAttemptTimeoutHandler());

        services.TryAddSingleton<ProcoreClient>();
        services.TryAddSingleton<IProcoreClient>(static sp => sp.GetRequiredService<ProcoreClient>());
        return services;
    }

    internal static SocketsHttpHandler CreatePrimaryHandler(ProcoreClientOptions options) => new()
    {
        // Never follow redirects: a redirect must not carry Authorization or a form with the secret to another host.
        AllowAutoRedirect = false,
        PooledConnectionLifetime = options.PooledConnectionLifetime,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        UseCookies = false,
    };
}

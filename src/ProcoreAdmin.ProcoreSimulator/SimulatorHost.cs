using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.ProcoreSimulator.Http;

namespace ProcoreAdmin.ProcoreSimulator;

/// <summary>
/// A running simulator on its own Kestrel server. Started by <c>Program.Main</c> (standalone), by ProcoreAdmin.Web in
/// Development, and by tests and benchmarks. It reads no configuration files or environment variables.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private SimulatorHost(WebApplication app, SimulatorState state, Uri baseAddress)
    {
        _app = app;
        State = state;
        BaseAddress = baseAddress;
    }

    /// <summary>The real bound address with a trailing slash, e.g. <c>http://127.0.0.1:41231/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>In-process access to the control features (faults, request log, reset, reset-secret, counters).</summary>
    public SimulatorState State { get; }

    /// <exception cref="InvalidOperationException">The environment is Production, or the seed is invalid.</exception>
    public static async Task<SimulatorHost> StartAsync(SimulatorHostOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.Equals(options.EnvironmentName?.Trim(), Environments.Production, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "The Procore simulator refuses to run in the Production environment: it hands out fake credentials and serves unauthenticated " +
                "/_simulator control endpoints. Start it only in Development, Test or another non-production environment.");
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        var seed = options.Seed?.Clone()
            ?? (options.SeedPath is { } path ? SimulatorSeed.Load(path) : SimulatorSeed.LoadDefault());
        seed.Validate();
        var (address, port) = ParseUrl(options.Url);
        var state = new SimulatorState(seed, options.TimeProvider);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            EnvironmentName = options.EnvironmentName,
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(options.MinimumLogLevel);
        builder.Services.AddSingleton<IHostLifetime, QuietHostLifetime>();
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton<SimulatorRequestHandler>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, port, listen => listen.Use(next => connection =>
            {
                state.Counters.ConnectionAccepted();
                return next(connection);
            }));
        });

        var app = builder.Build();
        var handler = app.Services.GetRequiredService<SimulatorRequestHandler>();
        app.Run(handler.InvokeAsync);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel did not report a bound address.");
        return new SimulatorHost(app, state, new Uri(bound.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private static (IPAddress Address, int Port) ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"Simulator URL '{url}' must be an absolute http:// URL such as http://127.0.0.1:5380 (https is not supported).");
        }

        var host = uri.Host.Trim('[', ']');
        var address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" or "0.0.0.0" => IPAddress.Any,
            _ when IPAddress.TryParse(host, out var ip) => ip,
            _ => throw new InvalidOperationException($"Simulator URL '{url}' must use an IP address such as 127.0.0.1."),
        };
        return (address, uri.Port);
    }

    /// <summary>Replaces ConsoleLifetime: the simulator never reacts to Ctrl+C on its own (Program or the host app does).</summary>
    private sealed class QuietHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

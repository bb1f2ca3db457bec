#if DEVELOPMENT_COMPANIONS
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using ProcoreAdmin.DevIdentity;
using ProcoreAdmin.ProcoreSimulator;
#endif

namespace ProcoreAdmin.Web.Hosting;

/// <summary>
/// Section <c>DevelopmentCompanions</c>: the development identity provider and the Procore simulator that the
/// one run command starts in-process. Both refuse to start outside Development.
/// </summary>
public sealed class DevelopmentCompanionsOptions
{
    public const string SectionName = "DevelopmentCompanions";

    /// <summary>Start DevIdentity when no <c>Authentication:Oidc:Authority</c> is configured (Development only).</summary>
    public bool DevIdentity { get; set; } = true;

    public string DevIdentityUrl { get; set; } = "http://127.0.0.1:5390";

    /// <summary>Start the Procore simulator (Development only).</summary>
    public bool Simulator { get; set; } = true;

    public string SimulatorUrl { get; set; } = "http://127.0.0.1:5380";

    /// <summary>Extra public base URLs (e.g. a local reverse proxy) whose sign-in callbacks DevIdentity accepts too.</summary>
    public List<string> PublicUrls { get; set; } = [];

    /// <summary>A seed file for the simulator; empty means the seed shipped with it.</summary>
    public string? SimulatorSeedPath { get; set; }
}

/// <summary>The development OIDC client registration, known once DevIdentity is listening.</summary>
public sealed record DevIdentityClient(string Authority, string ClientId, string ClientSecret);

/// <summary>What the rest of the app needs to know about the companions (nothing, in a build without them).</summary>
public interface IDevelopmentCompanions
{
    /// <summary>The DevIdentity client registration, when DevIdentity runs.</summary>
    DevIdentityClient? DevIdentityClient { get; }

    /// <summary>Where the simulator listens, when it runs.</summary>
    Uri? SimulatorAddress { get; }
}

#if DEVELOPMENT_COMPANIONS
/// <summary>Starts and stops DevIdentity and the Procore simulator alongside the app, and prints how to sign in.</summary>
public sealed partial class DevelopmentCompanions(
    IHostEnvironment environment,
    IOptions<DevelopmentCompanionsOptions> options,
    IOptions<StaffAuthenticationOptions> staff,
    IServer server,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<DevelopmentCompanions> logger) : IDevelopmentCompanions, IHostedLifecycleService, IAsyncDisposable
{
    private DevIdentityServer? _devIdentity;
    private SimulatorHost? _simulator;

    public DevIdentityClient? DevIdentityClient { get; private set; }

    /// <summary>Where the simulator listens, when it runs.</summary>
    public Uri? SimulatorAddress => _simulator?.BaseAddress;

    public SimulatorHost? Simulator => _simulator;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.DevIdentity && string.IsNullOrWhiteSpace(staff.Value.Authority))
        {
            // DevIdentity.StartAsync refuses any environment other than Development.
            var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            _devIdentity = await DevIdentityServer.StartAsync(
                new DevIdentityOptions
                {
                    Url = settings.DevIdentityUrl, ClientSecret = secret, EnvironmentName = environment.EnvironmentName, TimeProvider = time,
                    // The seeded machine client's tokens carry the audience the token broker expects.
                    MachineClientAudience = configuration["TokenBroker:Audience"] is { Length: > 0 } audience ? audience : "procoreadmin-broker",
                },
                cancellationToken);
            DevIdentityClient = new DevIdentityClient(_devIdentity.Issuer.ToString(), "procoreadmin-web", secret);
        }

        if (settings.Simulator)
        {
            _simulator = await SimulatorHost.StartAsync(
                new SimulatorHostOptions
                {
                    Url = settings.SimulatorUrl,
                    SeedPath = string.IsNullOrWhiteSpace(settings.SimulatorSeedPath) ? null : settings.SimulatorSeedPath,
                    EnvironmentName = environment.EnvironmentName,
                },
                cancellationToken);
        }
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a)).ToList() ?? [];
        if (_devIdentity is not null && addresses.Count > 0)
        {
            var bases = addresses.Concat(options.Value.PublicUrls.Select(u => new Uri(u))).ToList();
            await _devIdentity.RegisterClientRedirectsAsync(
                bases.Select(a => new Uri(a, "/signin-oidc")),
                bases.Select(a => new Uri(a, "/signout-callback-oidc")),
                cancellationToken);
        }

        if (addresses.Count > 0)
        {
            LogBanner(addresses[0]);
        }
    }

    private void LogBanner(Uri dashboard)
    {
        var lines = new List<string> { "", $"  ProcoreAdmin dashboard: {dashboard}" };
        if (_devIdentity is not null)
        {
            lines.Add($"  Development sign-in (DevIdentity at {_devIdentity.Issuer}) — user / password:");
            lines.AddRange(DevIdentityServer.SeededUsers.Select(u =>
                $"    {u.Username,-10} / {u.Password,-6} {u.DisplayName} [{(u.Groups.Count == 0 ? "no role" : string.Join(", ", u.Groups))}]"));
            var machine = new DevIdentityOptions { ClientSecret = "-" };
            lines.Add($"  Token broker machine client (client credentials at {_devIdentity.Issuer}connect/token): {machine.MachineClientId} / {machine.MachineClientSecret}");
        }

        if (_simulator is not null)
        {
            lines.Add($"  Procore simulator: {_simulator.BaseAddress}");
        }

        var banner = string.Join(Environment.NewLine, lines) + Environment.NewLine;
        LogStartupBanner(logger, banner);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Banner}")]
    private static partial void LogStartupBanner(ILogger logger, string banner);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_devIdentity is not null)
        {
            await _devIdentity.DisposeAsync();
            _devIdentity = null;
        }

        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
            _simulator = null;
        }
    }
}

#else
/// <summary>This build (Release) holds no development companion: there is nothing to start.</summary>
internal sealed class NoDevelopmentCompanions : IDevelopmentCompanions
{
    public DevIdentityClient? DevIdentityClient => null;

    public Uri? SimulatorAddress => null;
}
#endif

public static class DevelopmentCompanionsSetup
{
    /// <summary>
    /// Registers the companions. Outside Development both are switched off, so the hosted service starts nothing; a Release
    /// build does not contain them at all (see the DevelopmentCompanions property in the project file).
    /// </summary>
    public static WebApplicationBuilder AddDevelopmentCompanions(this WebApplicationBuilder builder)
    {
        var options = builder.Services.AddOptions<DevelopmentCompanionsOptions>()
            .Bind(builder.Configuration.GetSection(DevelopmentCompanionsOptions.SectionName));
#if DEVELOPMENT_COMPANIONS
        if (!builder.Environment.IsDevelopment())
        {
            options.Configure(o => { o.DevIdentity = false; o.Simulator = false; });
        }

        builder.Services.AddSingleton<DevelopmentCompanions>();
        builder.Services.AddSingleton<IDevelopmentCompanions>(sp => sp.GetRequiredService<DevelopmentCompanions>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DevelopmentCompanions>());
#else
        options.Configure(o => { o.DevIdentity = false; o.Simulator = false; });
        builder.Services.AddSingleton<IDevelopmentCompanions, NoDevelopmentCompanions>();
#endif
        return builder;
    }
}

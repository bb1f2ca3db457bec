using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ProcoreAdmin.DevIdentity;

/// <summary>
/// A development-only OpenID Connect provider (OpenIddict) that runs in-process on its own Kestrel listener
/// and its own DI container. Authorization code flow with PKCE (S256), seeded users, in-memory store and keys.
/// </summary>
public sealed partial class DevIdentityServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly SqliteConnection _keepAlive;
    private readonly RSA? _signingKey;
    private readonly string _clientId;
    private readonly SemaphoreSlim _registrationGate = new(1, 1);
    private int _disposed;

    private DevIdentityServer(WebApplication app, SqliteConnection keepAlive, RSA? signingKey, string clientId, Uri issuer)
    {
        _app = app;
        _keepAlive = keepAlive;
        _signingKey = signingKey;
        _clientId = clientId;
        Issuer = issuer;
    }

    /// <summary>The seeded staff accounts (password <c>dev</c> for all). Immutable.</summary>
    public static IReadOnlyList<DevIdentityUser> SeededUsers { get; } = DevIdentityUsers.All;

    /// <summary>The bound base address, with a trailing slash, e.g. <c>http://127.0.0.1:5390/</c>. Use it as the OIDC authority.</summary>
    public Uri Issuer { get; }

    /// <summary>Starts the provider. Throws <see cref="InvalidOperationException"/> outside the Development environment.</summary>
    public static async Task<DevIdentityServer> StartAsync(DevIdentityOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(options.EnvironmentName, Environments.Development, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"ProcoreAdmin.DevIdentity is a development-only identity provider and refuses to start in the '{options.EnvironmentName}' environment. " +
                "Configure a real OpenID Connect provider (Authentication:Oidc) instead.");
        }

        var listenUri = ParseListenUrl(options.Url);
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            throw new ArgumentException("DevIdentityOptions.ClientId is required.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            throw new ArgumentException("DevIdentityOptions.ClientSecret is required.", nameof(options));
        }

        // A named, shared-cache in-memory database: it lives as long as the keep-alive connection is open, and each
        // DbContext opens its own connection to it (a single SqliteConnection is not safe for concurrent requests).
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = $"procoreadmin-devidentity-{Guid.NewGuid():N}",
            Mode = SqliteOpenMode.Memory,
            Cache = SqliteCacheMode.Shared,
            Pooling = false,
        }.ToString();

        var keepAlive = new SqliteConnection(connectionString);
        var ownsKey = options.SigningKey is null;
        var signingKey = options.SigningKey ?? RSA.Create(2048);
        WebApplication? app = null;
        try
        {
            signingKey.ExportParameters(includePrivateParameters: false); // generate the key now, not on the first request
            await keepAlive.OpenAsync(ct);
            app = DevIdentityHost.Build(listenUri, connectionString, signingKey, options.MachineClientAudience, options.TimeProvider);

            await using (var scope = app.Services.CreateAsyncScope())
            {
                // The store is a throwaway in-memory database; there is nothing to migrate.
                await scope.ServiceProvider.GetRequiredService<DevIdentityDbContext>().Database.EnsureCreatedAsync(ct);
                var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
                await applications.CreateAsync(CreateClientDescriptor(options.ClientId, options.ClientSecret), ct);
                if (!string.IsNullOrWhiteSpace(options.MachineClientId))
                {
                    await applications.CreateAsync(CreateMachineClientDescriptor(options.MachineClientId, options.MachineClientSecret), ct);
                }
            }

            await app.StartAsync(ct);
            var issuer = new Uri(app.Urls.First().TrimEnd('/') + "/");
            LogStarted(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<DevIdentityServer>(), issuer);
            return new DevIdentityServer(app, keepAlive, ownsKey ? signingKey : null, options.ClientId, issuer);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await keepAlive.DisposeAsync();
            if (ownsKey)
            {
                signingKey.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Registers (replaces) the client's redirect URIs and post-logout redirect URIs. Call it once the web app knows
    /// its own address; until then authorization requests are rejected because no redirect URI matches.
    /// </summary>
    public async Task RegisterClientRedirectsAsync(IEnumerable<Uri> redirectUris, IEnumerable<Uri> postLogoutRedirectUris, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(redirectUris);
        ArgumentNullException.ThrowIfNull(postLogoutRedirectUris);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var redirects = ValidateRedirectUris(redirectUris, nameof(redirectUris));
        var postLogoutRedirects = ValidateRedirectUris(postLogoutRedirectUris, nameof(postLogoutRedirectUris));

        await _registrationGate.WaitAsync(ct);
        try
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await manager.FindByClientIdAsync(_clientId, ct)
                ?? throw new InvalidOperationException($"The client '{_clientId}' is not registered.");

            var descriptor = new OpenIddictApplicationDescriptor();
            await manager.PopulateAsync(descriptor, application, ct);
            descriptor.RedirectUris.Clear();
            descriptor.RedirectUris.UnionWith(redirects);
            descriptor.PostLogoutRedirectUris.Clear();
            descriptor.PostLogoutRedirectUris.UnionWith(postLogoutRedirects);
            await manager.UpdateAsync(application, descriptor, ct);
        }
        finally
        {
            _registrationGate.Release();
        }
    }

    /// <summary>Stops the listener and drops the in-memory store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            await _keepAlive.DisposeAsync();
            _signingKey?.Dispose();
            _registrationGate.Dispose();
        }
    }

    private static OpenIddictApplicationDescriptor CreateClientDescriptor(string clientId, string clientSecret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "ProcoreAdmin (development)",
        };
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.Token,
            Permissions.Endpoints.EndSession,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.ResponseTypes.Code,
            Permissions.Scopes.Profile,
            Permissions.Scopes.Email,
            Permissions.Scopes.Roles,
        ]);
        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        return descriptor;
    }

    /// <summary>A confidential machine client: client-credentials grant at the token endpoint, nothing else.</summary>
    private static OpenIddictApplicationDescriptor CreateMachineClientDescriptor(string clientId, string clientSecret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Integration service (development machine client)",
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
        return descriptor;
    }

    private static Uri ParseListenUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttp
            || uri.AbsolutePath != "/"
            || uri.Query.Length != 0
            || uri.Fragment.Length != 0)
        {
            throw new ArgumentException($"DevIdentityOptions.Url must be an http base address such as 'http://127.0.0.1:5390', not '{url}'.", nameof(url));
        }

        if (!uri.IsLoopback && !(IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)))
        {
            throw new ArgumentException($"DevIdentityOptions.Url must be a loopback address (127.0.0.1), not '{url}'.", nameof(url));
        }

        return uri;
    }

    private static List<Uri> ValidateRedirectUris(IEnumerable<Uri> uris, string parameterName)
    {
        var list = new List<Uri>();
        foreach (var uri in uris)
        {
            if (uri is null || !uri.IsAbsoluteUri || !string.IsNullOrEmpty(uri.Fragment))
            {
                throw new ArgumentException($"Redirect URIs must be absolute and without a fragment: '{uri}'.", parameterName);
            }

            list.Add(uri);
        }

        return list;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development identity provider (not for production) listening on {Issuer}. Seeded users admin, operator, viewer, outsider; password 'dev'.")]
    private static partial void LogStarted(ILogger logger, Uri issuer);
}

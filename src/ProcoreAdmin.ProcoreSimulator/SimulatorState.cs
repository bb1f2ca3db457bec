using ProcoreAdmin.ProcoreSimulator.Auth;
using ProcoreAdmin.ProcoreSimulator.Data;
using ProcoreAdmin.ProcoreSimulator.Diagnostics;
using ProcoreAdmin.ProcoreSimulator.Faults;
using ProcoreAdmin.ProcoreSimulator.RateLimiting;

namespace ProcoreAdmin.ProcoreSimulator;

/// <summary>Settings that can be changed while the simulator runs (body of <c>PUT /_simulator/config</c>); null = unchanged.</summary>
public sealed class SimulatorSettings
{
    public int? TokenLifetimeSeconds { get; set; }

    public RateLimitSeed? RateLimits { get; set; }

    public CompanyHeaderSeed? CompanyHeader { get; set; }

    public MonthlySandboxSeed? MonthlySandbox { get; set; }
}

/// <summary>One background load and what it spent so far (<c>GET /_simulator/load</c>).</summary>
public sealed record BackgroundLoadStatus(string ClientId, SimulatorEnvironment Environment, long? CompanyId, double RequestsPerSecond, long Sent, long Refused);

/// <summary>
/// The simulator's live state and its control features (the same ones served under <c>/_simulator/</c>).
/// Thread-safe; one instance per <see cref="SimulatorHost"/>.
/// </summary>
public sealed class SimulatorState
{
    private readonly SimulatorSeed _seed;
    private volatile RuntimeSettings _settings;
    private volatile Dictionary<string, AppRuntime> _apps;

    internal SimulatorState(SimulatorSeed seed, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _seed = seed.Clone();
        _seed.Validate();
        TimeProvider = timeProvider;
        Companies = _seed.Companies.ToDictionary(c => c.Id, c => DataGenerator.Build(c, _seed.RandomSeed));
        ProjectOwners = Companies.Values
            .SelectMany(c => c.Projects.Select(p => (p.Id, c.Id)))
            .GroupBy(x => x.Item1)
            .ToDictionary(g => g.Key, g => g.First().Item2);
        _settings = RuntimeSettings.From(_seed);
        _apps = BuildApps(_seed);
        FaultInjector = new FaultInjector(_seed.RandomSeed);
        StartSeededLoad();
    }

    private void StartSeededLoad()
    {
        foreach (var load in _seed.BackgroundLoad)
        {
            SetBackgroundLoad(load);
        }
    }

    public TimeProvider TimeProvider { get; }

    internal IReadOnlyDictionary<long, CompanyData> Companies { get; }

    /// <summary>Project id → company id.</summary>
    internal IReadOnlyDictionary<long, long> ProjectOwners { get; }

    internal RuntimeSettings Settings => _settings;

    internal TokenStore Tokens { get; } = new();

    internal RateLimiter RateLimiter { get; } = new();

    internal FaultInjector FaultInjector { get; }

    internal RequestLog Log { get; } = new();

    internal Counters Counters { get; } = new();

    /// <summary>A copy of the seed this simulator started from.</summary>
    public SimulatorSeed Seed => _seed.Clone();

    /// <summary>Client ids of the registered apps.</summary>
    public IReadOnlyList<string> ClientIds => [.. _apps.Keys.Order(StringComparer.Ordinal)];

    internal AppRuntime? FindApp(string clientId, SimulatorEnvironment environment) =>
        _apps.TryGetValue(clientId, out var app) && app.ServesIn(environment) ? app : null;

    /// <summary>The secret version of <paramref name="app"/> that <paramref name="environment"/> accepts now.</summary>
    internal int SecretVersionIn(AppRuntime app, SimulatorEnvironment environment) =>
        app.VersionIn(environment, TimeProvider.GetUtcNow(), _settings.MonthlySandbox.SecretSyncDelaySeconds);

    /// <summary>Checks a secret against what <paramref name="environment"/> accepts now.</summary>
    internal bool SecretMatches(AppRuntime app, string? secret, SimulatorEnvironment environment, out int version) =>
        app.SecretMatches(secret, environment, TimeProvider.GetUtcNow(), _settings.MonthlySandbox.SecretSyncDelaySeconds, out version);

    internal IEnumerable<AppRuntime> Apps => _apps.Values.OrderBy(a => a.ClientId, StringComparer.Ordinal);

    /// <summary>
    /// Gives the app a new random secret. The old secret and every token minted with it stop working immediately
    /// (no overlap, as in Procore's Developer Portal).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No app has this client id.</exception>
    public string ResetSecret(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (!_apps.TryGetValue(clientId, out var app))
        {
            throw new KeyNotFoundException($"No simulated app has client_id '{clientId}'.");
        }

        var secret = app.RotateSecret(TimeProvider.GetUtcNow());
        Tokens.RevokeAllOf(app.ClientId, app.Environment);
        return secret;
    }

    /// <summary>
    /// The monthly sandbox's refresh (Procore: first working day of the month): it now accepts the current production
    /// secrets; tokens it minted with an older secret stop working.
    /// </summary>
    public void RefreshMonthlySandbox()
    {
        foreach (var app in _apps.Values)
        {
            app.RefreshMonthly();
        }
    }

    /// <summary>
    /// Makes "another caller" of <see cref="BackgroundLoadSeed.ClientId"/> spend <see cref="BackgroundLoadSeed.RequestsPerSecond"/>
    /// from the same rate-limit bucket from now on (0 stops it).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown client id or rate out of range.</exception>
    public void SetBackgroundLoad(BackgroundLoadSeed load)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (load.Validate(_apps.Keys) is { } error)
        {
            throw new ArgumentException(error);
        }

        RateLimiter.SetLoad(new RateLimiting.BackgroundLoad(load.ClientId, load.Environment, load.CompanyId, load.RequestsPerSecond,
            TimeProvider.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <summary>The active background loads with how many requests each spent (and had refused) so far.</summary>
    public IReadOnlyList<BackgroundLoadStatus> GetBackgroundLoad()
    {
        RateLimiter.CatchUp(_settings.RateLimits, TimeProvider.GetUtcNow());
        return [.. RateLimiter.Loads.Select(l => new BackgroundLoadStatus(l.ClientId, l.Environment, l.CompanyId, l.RequestsPerSecond, l.Sent, l.Refused))];
    }

    /// <summary>Replaces the injected faults.</summary>
    /// <exception cref="ArgumentException">A rule is out of range.</exception>
    public void SetFaults(FaultConfiguration faults) => FaultInjector.Set(faults);

    public void ClearFaults() => FaultInjector.Clear();

    public FaultConfiguration Faults => FaultInjector.Current;

    public IReadOnlyList<RequestLogEntry> GetRequests() => Log.Snapshot();

    public void ClearRequests() => Log.Clear();

    public SimulatorStats GetStats() => Counters.Snapshot(Tokens.Count);

    /// <summary>Sets every counter (including accepted connections) back to 0.</summary>
    public void ResetStats() => Counters.Reset();

    /// <summary>The current runtime settings.</summary>
    public SimulatorSettings GetSettings()
    {
        var s = _settings;
        return new SimulatorSettings
        {
            TokenLifetimeSeconds = s.TokenLifetimeSeconds,
            RateLimits = s.RateLimits.Clone(),
            CompanyHeader = s.CompanyHeader.Clone(),
            MonthlySandbox = new MonthlySandboxSeed { SecretSyncDelaySeconds = s.MonthlySandbox.SecretSyncDelaySeconds },
        };
    }

    /// <summary>Changes token lifetime, rate limits or the company-header policy; null members stay as they are.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Configure(SimulatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var current = _settings;
        var lifetime = settings.TokenLifetimeSeconds ?? current.TokenLifetimeSeconds;
        var limits = settings.RateLimits?.Clone() ?? current.RateLimits;
        var header = settings.CompanyHeader?.Clone() ?? current.CompanyHeader;
        var monthly = settings.MonthlySandbox is { } m ? new MonthlySandboxSeed { SecretSyncDelaySeconds = m.SecretSyncDelaySeconds } : current.MonthlySandbox;
        if (monthly.SecretSyncDelaySeconds < -1)
        {
            throw new ArgumentException("monthly_sandbox.secret_sync_delay_seconds must be >= 0, or -1.");
        }
        if (lifetime <= 0)
        {
            throw new ArgumentException("token_lifetime_seconds must be > 0.");
        }

        if (limits.Validate().FirstOrDefault() is { } limitError)
        {
            throw new ArgumentException(limitError);
        }

        if (header.MissingStatus is < 400 or > 499)
        {
            throw new ArgumentException("company_header.missing_status must be a 4xx status.");
        }

        _settings = current with { TokenLifetimeSeconds = lifetime, RateLimits = limits, CompanyHeader = header, MonthlySandbox = monthly };
    }

    /// <summary>
    /// Restores the seed: original secrets and settings, no tokens, fresh rate-limit windows, no faults,
    /// an empty request log and zeroed counters.
    /// </summary>
    public void Reset()
    {
        _apps = BuildApps(_seed);
        _settings = RuntimeSettings.From(_seed);
        Tokens.Clear();
        RateLimiter.Clear();
        StartSeededLoad();
        FaultInjector.Clear();
        Log.Clear();
        Counters.Reset();
    }

    private static Dictionary<string, AppRuntime> BuildApps(SimulatorSeed seed) =>
        seed.Apps.Select((a, i) => new AppRuntime(a, i)).ToDictionary(a => a.ClientId, StringComparer.Ordinal);
}

internal sealed record RuntimeSettings(int TokenLifetimeSeconds, RateLimitSeed RateLimits, CompanyHeaderSeed CompanyHeader, PagingSeed Paging,
    MonthlySandboxSeed MonthlySandbox)
{
    public static RuntimeSettings From(SimulatorSeed seed) =>
        new(seed.TokenLifetimeSeconds, seed.RateLimits.Clone(), seed.CompanyHeader.Clone(),
            new PagingSeed { DefaultPerPage = seed.Paging.DefaultPerPage, MaxPerPage = seed.Paging.MaxPerPage, ProjectsV11MaxPerPage = seed.Paging.ProjectsV11MaxPerPage },
            new MonthlySandboxSeed { SecretSyncDelaySeconds = seed.MonthlySandbox.SecretSyncDelaySeconds });
}

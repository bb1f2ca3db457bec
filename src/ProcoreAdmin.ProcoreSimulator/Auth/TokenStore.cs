using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ProcoreAdmin.ProcoreSimulator.Auth;

internal enum TokenStatus
{
    Valid,
    Unknown,
    Expired,
    Revoked,
}

internal sealed class TokenRecord(string clientId, SimulatorEnvironment environment, int secretVersion, DateTimeOffset createdAt, DateTimeOffset expiresAt)
{
    private volatile bool _revoked;

    public string ClientId { get; } = clientId;

    public SimulatorEnvironment Environment { get; } = environment;

    public int SecretVersion { get; } = secretVersion;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public bool Revoked => _revoked;

    public void Revoke() => _revoked = true;
}

/// <summary>Opaque access tokens minted by the simulator. Thread-safe.</summary>
internal sealed class TokenStore
{
    private readonly ConcurrentDictionary<string, TokenRecord> _tokens = new(StringComparer.Ordinal);
    private long _issued;

    public int Count => _tokens.Count;

    public string Issue(AppRuntime app, SimulatorEnvironment environment, int secretVersion, DateTimeOffset now, int lifetimeSeconds)
    {
        if (Interlocked.Increment(ref _issued) % 1024 == 0)
        {
            Prune(now);
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(33));
        _tokens[token] = new TokenRecord(app.ClientId, environment, secretVersion, now, now.AddSeconds(lifetimeSeconds));
        return token;
    }

    public TokenStatus Check(string? token, SimulatorEnvironment environment, DateTimeOffset now, Func<string, SimulatorEnvironment, AppRuntime?> findApp, Func<AppRuntime, SimulatorEnvironment, int> versionIn, out TokenRecord? record, out AppRuntime? app)
    {
        record = null;
        app = null;
        if (string.IsNullOrEmpty(token) || !_tokens.TryGetValue(token, out var found) || found.Environment != environment)
        {
            return TokenStatus.Unknown;
        }

        record = found;
        app = findApp(found.ClientId, found.Environment);
        if (found.Revoked || app is null || versionIn(app, found.Environment) != found.SecretVersion)
        {
            return TokenStatus.Revoked;
        }

        return now >= found.ExpiresAt ? TokenStatus.Expired : TokenStatus.Valid;
    }

    public bool TryGet(string token, out TokenRecord? record) => _tokens.TryGetValue(token, out record);

    /// <summary>Marks every token of a client as revoked (used by reset-secret, on top of the secret version check).</summary>
    public void RevokeAllOf(string clientId, SimulatorEnvironment environment)
    {
        foreach (var record in _tokens.Values)
        {
            if (record.ClientId == clientId && record.Environment == environment)
            {
                record.Revoke();
            }
        }
    }

    public void Clear() => _tokens.Clear();

    private void Prune(DateTimeOffset now)
    {
        foreach (var (token, record) in _tokens)
        {
            if (record.ExpiresAt < now.AddHours(-1))
            {
                _tokens.TryRemove(token, out _);
            }
        }
    }
}

using System.Collections.Concurrent;

namespace ProcoreAdmin.ProcoreClient.Internal;

/// <summary>An access token held only inside the client. ToString never prints it.</summary>
internal sealed class CachedToken
{
    public CachedToken(string value, string? tokenType, string fingerprint, DateTimeOffset acquiredAt,
        DateTimeOffset expiresAt, DateTimeOffset refreshAt, TimeSpan fetchDuration)
    {
        Value = value;
        TokenType = tokenType;
        Fingerprint = fingerprint;
        AcquiredAt = acquiredAt;
        ExpiresAt = expiresAt;
        RefreshAt = refreshAt;
        FetchDuration = fetchDuration;
    }

    public string Value { get; }

    public string? TokenType { get; }

    /// <summary>Environment + hosts + client id the token was minted for.</summary>
    public string Fingerprint { get; }

    public DateTimeOffset AcquiredAt { get; }

    public DateTimeOffset ExpiresAt { get; }

    public DateTimeOffset RefreshAt { get; }

    public TimeSpan FetchDuration { get; }

    public override string ToString() => $"CachedToken(redacted, expires {ExpiresAt:O})";
}

/// <summary>
/// Token cache per credential key with single flight: concurrent callers that need a token share one token request.
/// The shared fetch runs on its own (not on any caller's cancellation token); each caller waits with its own token.
/// </summary>
internal sealed class TokenCache
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public TokenCache(TimeProvider time) => _time = time;

    public static string FingerprintOf(ProcoreCredential credential, ProcoreHosts hosts) =>
        $"{credential.Environment}|{hosts.LoginBaseUrl.AbsoluteUri}|{hosts.ApiBaseUrl.AbsoluteUri}|{credential.ClientId}";

    /// <summary>Returns a valid cached token, or joins / starts the single token fetch for the credential.</summary>
    public async Task<(CachedToken Token, bool FromCache)> GetAsync(
        ProcoreCredential credential,
        string fingerprint,
        bool forceRefresh,
        Func<CancellationToken, Task<CachedToken>> fetch,
        CancellationToken ct)
    {
        var slot = _slots.GetOrAdd(credential.Key, static _ => new Slot());
        TaskCompletionSource<CachedToken>? leader = null;
        Task<CachedToken> pending;
        long generation;
        lock (slot)
        {
            var current = slot.Current;
            if (!forceRefresh && current is not null && current.Fingerprint == fingerprint && _time.GetUtcNow() < current.RefreshAt)
            {
                return (current, true);
            }

            if (slot.InFlight is { } inFlight && slot.InFlightFingerprint == fingerprint)
            {
                pending = inFlight.Task;
            }
            else
            {
                leader = new TaskCompletionSource<CachedToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                slot.Generation++;
                slot.InFlight = leader;
                slot.InFlightFingerprint = fingerprint;
                pending = leader.Task;
            }

            generation = slot.Generation;
        }

        if (leader is not null)
        {
            _ = RunFetchAsync(slot, leader, generation, fetch);
        }

        return (await pending.WaitAsync(ct).ConfigureAwait(false), false);
    }

    private static async Task RunFetchAsync(Slot slot, TaskCompletionSource<CachedToken> leader, long generation,
        Func<CancellationToken, Task<CachedToken>> fetch)
    {
        try
        {
            await Task.Yield(); // never run the fetch inline on the first caller's stack
            var token = await fetch(CancellationToken.None).ConfigureAwait(false);
            lock (slot)
            {
                if (slot.Generation == generation)
                {
                    slot.Current = token;
                }

                if (ReferenceEquals(slot.InFlight, leader))
                {
                    slot.InFlight = null;
                    slot.InFlightFingerprint = null;
                }
            }

            leader.TrySetResult(token);
        }
        catch (Exception ex)
        {
            lock (slot)
            {
                if (ReferenceEquals(slot.InFlight, leader))
                {
                    slot.InFlight = null;
                    slot.InFlightFingerprint = null;
                }
            }

            leader.TrySetException(ex);
            _ = leader.Task.Exception; // observed: callers that gave up must not cause UnobservedTaskException
        }
    }

    /// <summary>Drops <paramref name="rejected"/> if it is still the cached token (after a 401).</summary>
    public void Invalidate(string credentialKey, CachedToken rejected)
    {
        if (_slots.TryGetValue(credentialKey, out var slot))
        {
            lock (slot)
            {
                if (ReferenceEquals(slot.Current, rejected))
                {
                    slot.Current = null;
                }
            }
        }
    }

    /// <summary>The cached token, if any, without fetching.</summary>
    public CachedToken? Peek(string credentialKey)
    {
        if (!_slots.TryGetValue(credentialKey, out var slot))
        {
            return null;
        }

        lock (slot)
        {
            return slot.Current;
        }
    }

    /// <summary>Evicts the cached token and detaches any fetch in flight so its result is not cached.</summary>
    public CachedToken? Forget(string credentialKey)
    {
        if (!_slots.TryGetValue(credentialKey, out var slot))
        {
            return null;
        }

        lock (slot)
        {
            var previous = slot.Current;
            slot.Current = null;
            slot.InFlight = null;
            slot.InFlightFingerprint = null;
            slot.Generation++;
            return previous;
        }
    }

    private sealed class Slot
    {
        public CachedToken? Current { get; set; }

        public TaskCompletionSource<CachedToken>? InFlight { get; set; }

        public string? InFlightFingerprint { get; set; }

        public long Generation { get; set; }
    }
}

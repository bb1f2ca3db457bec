using System.Collections.Concurrent;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// "Verify now" at most once per <see cref="Interval"/> per credential, for everyone (a singleton, server-side): each check
/// spends Procore rate limit and may mint a token, so repeated clicks or scripted calls cannot hammer Procore.
/// </summary>
public sealed class VerifyThrottle(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, DateTimeOffset> _last = new();

    /// <summary>Takes the slot for <paramref name="credentialId"/>; returns how long to wait when it was taken too recently.</summary>
    public TimeSpan? TryEnter(long credentialId)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            if (!_last.TryGetValue(credentialId, out var last))
            {
                if (_last.TryAdd(credentialId, now))
                {
                    return null;
                }

                continue;
            }

            var wait = last + Interval - now;
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            if (_last.TryUpdate(credentialId, now, last))
            {
                return null;
            }
        }
    }
}

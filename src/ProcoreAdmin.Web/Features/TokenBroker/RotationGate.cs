using System.Collections.Concurrent;
using ProcoreAdmin.Web.Features.Rotation;

namespace ProcoreAdmin.Web.Features.TokenBroker;

/// <summary>
/// The token broker's ear on the rotation engine: wakes token requests held during a rotation the moment the new secret
/// is promoted (or the run is cancelled), and remembers that Procore already refused the old secret so further requests
/// wait instead of asking Procore again. Held requests also re-read the rotation state periodically, so a promotion on
/// another instance releases them too.
/// </summary>
public sealed class RotationGate : IRotationObserver
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _signals = new();
    private readonly ConcurrentDictionary<long, bool> _resetObserved = new();

    public void SecretReset(long credentialId)
    {
        _resetObserved[credentialId] = true;
        Signal(credentialId);
    }

    public void SecretPromoted(long credentialId)
    {
        _resetObserved.TryRemove(credentialId, out _);
        Signal(credentialId);
    }

    public void RunCancelled(long credentialId)
    {
        _resetObserved.TryRemove(credentialId, out _);
        Signal(credentialId);
    }

    /// <summary>Procore refused the current secret while a rotation is active: the reset has happened.</summary>
    public void MarkResetObserved(long credentialId) => _resetObserved[credentialId] = true;

    public void ClearResetObserved(long credentialId) => _resetObserved.TryRemove(credentialId, out _);

    public bool ResetObserved(long credentialId) => _resetObserved.ContainsKey(credentialId);

    /// <summary>
    /// A task that completes at the credential's next rotation change. Take it before reading the rotation state, so a
    /// change between the read and the wait is not missed.
    /// </summary>
    public Task NextChange(long credentialId) =>
        _signals.GetOrAdd(credentialId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Waits for <paramref name="change"/> or <paramref name="timeout"/>; true when the change came.</summary>
    public static async Task<bool> WaitAsync(Task change, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        try
        {
            await change.WaitAsync(timeout, time, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Signal(long credentialId)
    {
        if (_signals.TryRemove(credentialId, out var signal))
        {
            signal.TrySetResult();
        }
    }
}

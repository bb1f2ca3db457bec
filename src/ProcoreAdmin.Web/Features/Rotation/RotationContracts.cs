namespace ProcoreAdmin.Web.Features.Rotation;

// The Rotation feature's surface for other features (TokenBroker, Dashboard). The engine, its runs and evidence stay internal.

/// <summary>
/// Told by the rotation engine when a credential's secret changes hands, so other features (the token broker) can react
/// at once instead of polling. Called after the change committed; an observer must not throw or block.
/// </summary>
[FeatureContract]
public interface IRotationObserver
{
    /// <summary>Step 4 done: the secret was reset in Procore and the new one waits in the pending slot.</summary>
    void SecretReset(long credentialId);

    /// <summary>Step 6 done: the new secret is current and the cached tokens were dropped.</summary>
    void SecretPromoted(long credentialId);

    /// <summary>The run was cancelled before a promotion.</summary>
    void RunCancelled(long credentialId);
}

/// <summary>Adds lines to the blast radius recorded at step 1 (e.g. the token broker's consumers of the credential).</summary>
[FeatureContract]
public interface IRotationBlastRadiusSource
{
    /// <summary>The evidence key, e.g. <c>consumers</c>.</summary>
    string Name { get; }

    /// <summary>One line per dependent, e.g. "billing-sync (client id) for companies 1, 2". Never a secret.</summary>
    Task<IReadOnlyList<string>> DescribeAsync(long credentialId, CancellationToken ct);
}

/// <summary>Where a credential's active rotation stands (read-only; for automation and the token broker).</summary>
[FeatureContract]
public sealed record ActiveRotation(long RunId, long CredentialId, DateTime StartedUtc, bool Urgent, bool SecretReset, bool Promoted, DateTime? SecretResetUtc);

/// <summary>Reads the active rotation runs (one query). Other features read rotation state through this.</summary>
[FeatureContract]
public interface IRotationStateReader
{
    Task<IReadOnlyDictionary<long, ActiveRotation>> ListActiveAsync(CancellationToken ct = default);

    Task<ActiveRotation?> GetActiveAsync(long credentialId, CancellationToken ct = default);
}

/// <summary>Credentials whose rotation is due, soonest first (Viewer), for the dashboard.</summary>
[FeatureContract]
public interface IRotationDueList
{
    Task<IReadOnlyList<CredentialDueView>> ListDueAsync(CancellationToken ct = default);
}

using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Rotation;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>
/// Told by the rotation engine when a credential's secret changes hands, so other features (the token broker) can react
/// at once instead of polling. Called after the change committed; an observer must not throw or block.
/// </summary>
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
public interface IRotationBlastRadiusSource
{
    /// <summary>The evidence key, e.g. <c>consumers</c>.</summary>
    string Name { get; }

    /// <summary>One line per dependent, e.g. "billing-sync (client id) for companies 1, 2". Never a secret.</summary>
    Task<IReadOnlyList<string>> DescribeAsync(long credentialId, CancellationToken ct);
}

/// <summary>Where a credential's active rotation stands (read-only; for automation and the token broker).</summary>
public sealed record ActiveRotation(long RunId, long CredentialId, DateTime StartedUtc, bool Urgent, bool SecretReset, bool Promoted, DateTime? SecretResetUtc);

/// <summary>Reads the active rotation runs (one query). Owned by the Rotation feature; other features read it through this.</summary>
public sealed class RotationStateReader(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<IReadOnlyDictionary<long, ActiveRotation>> ListActiveAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = await db.RotationRuns.AsNoTracking()
            .Where(r => r.ActiveCredentialId != null)
            .Select(r => new
            {
                r.Id, r.CredentialId, r.StartedUtc, r.Urgent,
                Reset = r.Steps.Where(s => s.Number == RotationSteps.PendingSecret && s.State == RotationStepState.Done).Select(s => s.UpdatedUtc).FirstOrDefault(),
                ResetDone = r.Steps.Any(s => s.Number == RotationSteps.PendingSecret && s.State == RotationStepState.Done),
                Promoted = r.Steps.Any(s => s.Number == RotationSteps.Promote && s.State == RotationStepState.Done),
            })
            .ToListAsync(ct);
        return runs.ToDictionary(r => r.CredentialId, r => new ActiveRotation(r.Id, r.CredentialId, r.StartedUtc, r.Urgent, r.ResetDone, r.Promoted, r.ResetDone ? r.Reset : null));
    }

    public async Task<ActiveRotation?> GetActiveAsync(long credentialId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.RotationRuns.AsNoTracking()
            .Where(r => r.ActiveCredentialId == credentialId)
            .Select(r => new
            {
                r.Id, r.CredentialId, r.StartedUtc, r.Urgent,
                Reset = r.Steps.Where(s => s.Number == RotationSteps.PendingSecret && s.State == RotationStepState.Done).Select(s => s.UpdatedUtc).FirstOrDefault(),
                ResetDone = r.Steps.Any(s => s.Number == RotationSteps.PendingSecret && s.State == RotationStepState.Done),
                Promoted = r.Steps.Any(s => s.Number == RotationSteps.Promote && s.State == RotationStepState.Done),
            })
            .SingleOrDefaultAsync(ct);
        return run is null ? null : new ActiveRotation(run.Id, run.CredentialId, run.StartedUtc, run.Urgent, run.ResetDone, run.Promoted, run.ResetDone ? run.Reset : null);
    }
}

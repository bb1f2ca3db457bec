using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Rotation;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>Reads the active rotation runs (one query). Owned by the Rotation feature; other features read it through this.</summary>
public sealed class RotationStateReader(IDbContextFactory<AppDbContext> dbFactory) : IRotationStateReader
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

using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Rotation;

[FeatureContract]
public sealed record CredentialDueView(long CredentialId, string Label, ProcoreEnvironment Environment, Data.Credentials.CredentialStatus Status,
    DateTime DueUtc, int DaysLeft, string? Stage, long? ActiveRunId);

/// <summary>What the Rotation page reads and does: Viewers read, Admins rotate (checked here, not only in the page).</summary>
public sealed class RotationService(
    RotationEngine engine,
    ICredentialDirectory directory,
    CurrentStaff staff,
    AuditTrail audit,
    IOptionsMonitor<RotationOptions> options,
    TimeProvider time) : IRotationDueList
{
    /// <summary>The evidence file's JSON: web defaults (camelCase), indented for reading.</summary>
    private static readonly JsonSerializerOptions EvidenceJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string DeveloperPortalUrl => options.CurrentValue.DeveloperPortalUrl;

    public async Task<IReadOnlyList<CredentialDueView>> ListDueAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read rotations");
        var o = options.CurrentValue;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(o.ReminderTimeZone);
        var now = time.GetUtcNow().UtcDateTime;
        var infos = await directory.ListRotationInfoAsync(ct);
        var active = (await engine.ListAsync(200, ct)).Where(r => r.State == RotationRunState.Active).ToDictionary(r => r.CredentialId, r => r.Id);
        return infos.Where(i => RotationSchedule.IsWatched(i.Status))
            .Select(i => (i, d: RotationSchedule.Evaluate(i, now, zone, o.StagesDays)))
            .OrderBy(x => x.d.DaysLeft)
            .Select(x => new CredentialDueView(x.i.CredentialId, x.i.Label, x.i.Environment, x.i.Status, x.d.DueUtc, x.d.DaysLeft, x.d.Stage,
                active.TryGetValue(x.i.CredentialId, out var run) ? run : null))
            .ToList();
    }

    public async Task<IReadOnlyList<CredentialOption>> SandboxCredentialsAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read rotations");
        return (await directory.ListCredentialsAsync(null, ct)).Where(c => c.Environment == ProcoreEnvironment.DeveloperSandbox).ToList();
    }

    public async Task<IReadOnlyList<RotationRunView>> ListRunsAsync(int take = 50, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read rotations");
        return await engine.ListAsync(take, ct);
    }

    public async Task<RotationRunView?> GetRunAsync(long runId, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read rotations");
        return await engine.GetAsync(runId, ct);
    }

    public async Task<BlastRadius?> BlastRadiusAsync(long credentialId, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read rotations");
        return await engine.DescribeBlastRadiusAsync(credentialId, ct);
    }

    public async Task<long> StartAsync(long credentialId, string? reason) =>
        await engine.StartAsync(credentialId, false, Plain(reason, "reason") ?? "", await Admin("start a rotation"));

    /// <summary>Suspected compromise: an urgent run that notifies owners and pauses dependent schedules at once.</summary>
    /// <remarks>A reason is required: it goes to the owners and the audit trail.</remarks>
    public async Task<long> ReportCompromiseAsync(long credentialId, string? reason)
    {
        var actor = await staff.RequireRecentAsync(StaffRoles.Admin, "report a suspected compromise");
        if (string.IsNullOrWhiteSpace(Plain(reason, "reason")))
        {
            throw new RotationStepException("Say why you suspect a compromise: the reason goes to the owners and the audit trail.");
        }

        return await engine.StartAsync(credentialId, true, $"Suspected compromise: {reason!.Trim()}", actor);
    }

    public async Task PrepareAsync(long runId, string? notes) => await engine.PrepareAsync(runId, Plain(notes, "notes"), await Admin("run rotation steps"));

    public async Task RehearseAsync(long runId, long? sandboxCredentialId, string? notes) =>
        await engine.RehearseAsync(runId, sandboxCredentialId, Plain(notes, "notes"), await Admin("run rotation steps"));

    public async Task PauseSchedulesAsync(long runId) => await engine.PauseSchedulesAsync(runId, await Admin("run rotation steps"));

    public async Task SetPendingSecretAsync(long runId, string secret, string? notes) =>
        await engine.SetPendingSecretAsync(runId, secret, Plain(notes, "notes"), await Admin("run rotation steps"));

    public async Task<VerificationResult> VerifyAsync(long runId) => await engine.VerifyPendingAsync(runId, await Admin("run rotation steps"));

    /// <summary>Promotion makes the new secret the one every call uses: it needs a recent sign-in (step-up).</summary>
    public async Task PromoteAsync(long runId) => await engine.PromoteAsync(runId, await staff.RequireRecentAsync(StaffRoles.Admin, "promote a rotated secret"));

    public async Task CompleteAsync(long runId, string? notes) => await engine.CompleteAsync(runId, Plain(notes, "notes"), await Admin("run rotation steps"));

    public async Task CancelAsync(long runId, string? reason) => await engine.CancelAsync(runId, Plain(reason, "reason") ?? "cancelled", await Admin("cancel a rotation"));

    /// <summary>Refuses invisible formatting characters (Unicode Cf, e.g. U+202E) in free text that others will read.</summary>
    private static string? Plain(string? text, string field)
    {
        var input = field == "reason" ? new RotationTextInput { Reason = text } : new RotationTextInput { Notes = text };
        return InputValidator.Validate(input).Values.FirstOrDefault() is { } message ? throw new RotationStepException(message) : text;
    }

    /// <summary>Evidence of a run (steps, actors, times, verification results, fingerprints — never a secret). Admins; audited.</summary>
    public async Task<(string FileName, string ContentType, byte[] Content)> ExportAsync(long runId, string format, CancellationToken ct = default)
    {
        var actor = await Admin("export rotation evidence");
        var run = await engine.GetAsync(runId, ct) ?? throw new RotationStepException($"Rotation run {runId} does not exist.");
        await audit.RecordAsync(actor, "rotation.export", AuditTargets.RotationRun, runId.ToString(CultureInfo.InvariantCulture), AuditOutcomes.Succeeded, format, ct);
        return format == "csv"
            ? ($"rotation-{runId}.csv", "text/csv; charset=utf-8", CsvCell.Utf8WithBom(ToCsv(run)))
            : ($"rotation-{runId}.json", "application/json", JsonSerializer.SerializeToUtf8Bytes(ToEvidence(run), EvidenceJson));
    }

    public static object ToEvidence(RotationRunView run) => new
    {
        run.Id,
        run.CredentialId,
        state = run.State.ToString(),
        run.Urgent,
        run.Reason,
        run.StartedUtc,
        run.StartedBy,
        run.FinishedUtc,
        run.TimeToRestoreSeconds,
        run.NextDueUtc,
        steps = run.Steps.Select(s => new
        {
            s.Number,
            s.Name,
            state = s.State.ToString(),
            s.UpdatedUtc,
            actor = s.ActorName,
            actorSubject = s.ActorSubject,
            s.Notes,
            evidence = s.Evidence is null ? (JsonElement?)null : JsonDocument.Parse(s.Evidence).RootElement.Clone(),
        }),
    };

    public static string ToCsv(RotationRunView run)
    {
        var sb = new StringBuilder("run_id,credential_id,step,name,state,updated_utc,actor,actor_subject,notes,evidence\n");
        foreach (var s in run.Steps)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{run.Id},{run.CredentialId},{s.Number},{CsvCell.Format(s.Name)},{s.State},")
              .Append(CultureInfo.InvariantCulture, $"{s.UpdatedUtc?.ToString("O", CultureInfo.InvariantCulture)},{CsvCell.Format(s.ActorName)},{CsvCell.Format(s.ActorSubject)},{CsvCell.Format(s.Notes)},{CsvCell.Format(s.Evidence)}\n");
        }

        return sb.ToString();
    }

    private Task<StaffActor> Admin(string action) => staff.RequireAsync(StaffRoles.Admin, action);
}

using System.Text.Json;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Rotation;

// What each rotation step stores as evidence (RotationStep.Evidence, JSON with web naming: camelCase). Typed records
// instead of anonymous objects, so the writer and the readers (promotion check, verification history, export) share one
// shape. Property names and order are the ones stored before these records existed, so old evidence reads back unchanged;
// the monthly-sandbox additions are written only for a set that covers it.

public sealed record CredentialEvidence(long CredentialId, string Label, string Environment);

public sealed record CompanyEvidence(long Id, string? Name);

public sealed record ScheduleEvidence(long Id, string Kind, string Title);

/// <summary>Step 1: the blast radius.</summary>
public sealed record PreparationEvidence(
    CredentialEvidence Credential,
    IReadOnlyList<CompanyEvidence> Companies,
    IReadOnlyList<ScheduleEvidence> Schedules,
    IReadOnlyList<string> Owners,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Dependents,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Environments = null);

public sealed record CompanyCheckEvidence(long ProcoreCompanyId, string Outcome, int? StatusCode, string? RequestId);

/// <summary>One verification (token + /me + /companies per installed company), as stored.</summary>
public sealed record VerificationEvidence(
    string Outcome,
    string Summary,
    DateTime CheckedUtc,
    string Slot,
    IReadOnlyList<CompanyCheckEvidence> Companies,
    IReadOnlyList<long> Expected,
    IReadOnlyList<long> Observed,
    IReadOnlyList<long> Missing,
    IReadOnlyList<long> Unexpected)
{
    public static VerificationEvidence Of(VerificationResult r) => new(
        r.Outcome.ToString(), r.Summary, r.CheckedUtc, r.Slot.ToString(),
        r.Companies.Select(c => new CompanyCheckEvidence(c.ProcoreCompanyId, c.Outcome.ToString(), c.StatusCode, c.RequestId)).ToList(),
        r.ExpectedCompanyIds, r.ObservedCompanyIds, r.MissingCompanyIds, r.UnexpectedCompanyIds);
}

/// <summary>Step 2.</summary>
public sealed record RehearsalEvidence(long? SandboxCredentialId, VerificationEvidence Verification);

/// <summary>Step 3.</summary>
public sealed record PauseEvidence(IReadOnlyList<long> PausedScheduleIds);

/// <summary>Step 4: the keyed fingerprint of the pasted secret (never the secret).</summary>
public sealed record PendingSecretEvidence(string? PendingFingerprint);

/// <summary>One verification attempt of step 5 (failed ones included).</summary>
public sealed record VerifyAttempt(DateTime CheckedUtc, string? PendingFingerprint, bool Passed, string Outcome, string? Summary, IReadOnlyList<long>? Missing,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] MonthlySandboxAttempt? MonthlySandbox = null);

/// <summary>The monthly sandbox's answer to the same secret in one attempt (it may pick up a reset later than production).</summary>
public sealed record MonthlySandboxAttempt(string Outcome, string Summary, bool PickedUp);

/// <summary>Step 5: the latest verification and every attempt; promotion requires the verified fingerprint to still be pending.</summary>
public sealed record VerifyEvidence(string? PendingFingerprint, bool Passed, VerificationEvidence? Verification, IReadOnlyList<VerifyAttempt>? Attempts,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] VerificationEvidence? MonthlySandbox = null);

/// <summary>Step 6.</summary>
public sealed record PromoteEvidence(string? CurrentFingerprint, bool TokensDropped);

/// <summary>Step 7.</summary>
public sealed record ResumeEvidence(IReadOnlyList<long> ResumedScheduleIds, double TimeToRestoreSeconds, DateTime NextDueUtc);

public static class RotationEvidenceJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T evidence) => JsonSerializer.Serialize(evidence, Options);

    /// <summary>Reads stored evidence (including evidence written before the typed records); null when absent or unreadable.</summary>
    public static T? Read<T>(string? json)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

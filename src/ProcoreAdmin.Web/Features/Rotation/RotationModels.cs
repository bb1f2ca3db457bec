using ProcoreAdmin.Data.Rotation;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>The checklist, in order. Numbers are stored; names are for display.</summary>
public static class RotationSteps
{
    public const int Preparation = 1;
    public const int Rehearsal = 2;
    public const int PauseSchedules = 3;
    public const int PendingSecret = 4;
    public const int Verify = 5;
    public const int Promote = 6;
    public const int Resume = 7;

    public static readonly IReadOnlyList<(int Number, string Name)> All =
    [
        (Preparation, "Preparation: notify owners, list blast radius"),
        (Rehearsal, "Rehearsal in the Developer Sandbox"),
        (PauseSchedules, "Pause dependent schedules"),
        (PendingSecret, "Reset in the Developer Portal, paste the new secret"),
        (Verify, "Verify the pending secret"),
        (Promote, "Promote pending to current, drop cached tokens"),
        (Resume, "Resume schedules, record time to restore"),
    ];
}

public sealed record RotationStepView(int Number, string Name, RotationStepState State, DateTime? UpdatedUtc, string? ActorName, string? ActorSubject, string? Notes, string? Evidence);

public sealed record RotationRunView(
    long Id, long CredentialId, RotationRunState State, bool Urgent, string Reason, DateTime StartedUtc, string StartedBy,
    DateTime? FinishedUtc, double? TimeToRestoreSeconds, DateTime? NextDueUtc, IReadOnlyList<RotationStepView> Steps)
{
    /// <summary>The first step that is neither done nor skipped (null when all are).</summary>
    public int? CurrentStep => Steps.Where(s => s.State is not (RotationStepState.Done or RotationStepState.Skipped)).Select(s => (int?)s.Number).FirstOrDefault();

    public RotationStepView Step(int number) => Steps.Single(s => s.Number == number);
}

/// <summary>A rotation of this credential is already active (the unique index on the active run said so).</summary>
public sealed class RotationConflictException(long credentialId)
    : ProcoreAdmin.Web.Shared.UserFacingException($"A rotation of credential set {credentialId} is already in progress. Open it on the Rotation page instead of starting another.");

/// <summary>A step cannot run now (order, state, or input); the message is shown to the user as is.</summary>
public sealed class RotationStepException(string message) : ProcoreAdmin.Web.Shared.UserFacingException(message);

/// <summary>What a rotation or another alarming action on a credential reaches (shown in the confirmation).</summary>
public sealed record BlastRadius(long CredentialId, string Label, IReadOnlyList<string> Companies, IReadOnlyList<string> Schedules, IReadOnlyList<string> Owners,
    bool MonthlySandbox = false)
{
    /// <summary>
    /// Said whenever the set also covers the monthly sandbox: a reset in the Developer Portal changes the secret it accepts
    /// too, possibly later than production.
    /// </summary>
    public const string MonthlySandboxLine =
        "Also used in the monthly sandbox (same client id and secret): a reset in the Developer Portal changes what the monthly sandbox accepts too, possibly only after a delay or at its next monthly refresh; its tokens stop working then.";

    /// <summary>Plain sentences for a confirmation dialog.</summary>
    public IReadOnlyList<string> Describe(bool notifiesOwners, bool pausesSchedules)
    {
        var lines = new List<string>
        {
            Companies.Count == 0
                ? "Installed in no registered company."
                : $"Installed in {Companies.Count} compan{(Companies.Count == 1 ? "y" : "ies")}: {string.Join(", ", Companies)}.",
        };
        if (MonthlySandbox)
        {
            lines.Add(MonthlySandboxLine);
        }

        if (pausesSchedules)
        {
            lines.Add(Schedules.Count == 0
                ? "No maintenance schedule is tied to this credential: nothing to pause."
                : $"Pauses {Schedules.Count} schedule(s): {string.Join(", ", Schedules)}.");
        }

        if (notifiesOwners)
        {
            lines.Add(Owners.Count == 0
                ? "No owner e-mail address is recorded: only the in-app notification is raised."
                : $"E-mails the owners: {string.Join(", ", Owners)}.");
        }

        return lines;
    }
}

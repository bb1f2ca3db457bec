using MudBlazor;
using ProcoreAdmin.Data.Credentials;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// What staff see for a credential: its lifecycle (<see cref="CredentialStatus"/>) combined with its last health check,
/// in one word. Every page (list, detail, company, dashboard) and every notification uses this, so a credential whose
/// secret Procore rejects never shows a green chip.
/// </summary>
[FeatureContract]
public enum CredentialHealth
{
    Healthy,
    Failing,
    RotationDue,
    Rotating,
    Down,
    SuspectedCompromise,
    Retired,
}

[FeatureContract]
public static class CredentialHealthModel
{
    /// <summary>
    /// Lifecycle wins where it says more than a check can (retired, compromise, down, rotating); otherwise a failing last
    /// check makes it <see cref="CredentialHealth.Failing"/>, then a due rotation, else <see cref="CredentialHealth.Healthy"/>.
    /// "Rate limited" and "unreachable" say nothing about the credential, so they do not make it failing.
    /// </summary>
    public static CredentialHealth Of(CredentialStatus status, string? lastCheckOutcome, bool rotationDue = false) => status switch
    {
        CredentialStatus.Retired => CredentialHealth.Retired,
        CredentialStatus.SuspectedCompromise => CredentialHealth.SuspectedCompromise,
        CredentialStatus.Down => CredentialHealth.Down,
        CredentialStatus.Rotating => CredentialHealth.Rotating,
        _ when IsFailing(lastCheckOutcome) => CredentialHealth.Failing,
        CredentialStatus.RotationDue => CredentialHealth.RotationDue,
        _ when rotationDue => CredentialHealth.RotationDue,
        _ => CredentialHealth.Healthy,
    };

    /// <summary>The health of a credential whose next rotation is due at <paramref name="nextRotationDueUtc"/>.</summary>
    public static CredentialHealth Of(CredentialStatus status, string? lastCheckOutcome, DateTime? nextRotationDueUtc, DateTime nowUtc) =>
        Of(status, lastCheckOutcome, nextRotationDueUtc is { } due && due <= nowUtc);

    /// <summary>Outcomes that say the credential itself does not work (as opposed to Procore being busy or unreachable).</summary>
    public static bool IsFailing(string? outcome) => outcome is nameof(VerificationOutcome.InvalidClient)
        or nameof(VerificationOutcome.AppNotConnected) or nameof(VerificationOutcome.SecretUnreadable) or nameof(VerificationOutcome.Failed);

    public static string Text(CredentialHealth health) => health switch
    {
        CredentialHealth.Healthy => "Healthy",
        CredentialHealth.Failing => "Failing",
        CredentialHealth.RotationDue => "Rotation due",
        CredentialHealth.Rotating => "Rotating",
        CredentialHealth.Down => "Down",
        CredentialHealth.SuspectedCompromise => "Suspected compromise",
        _ => "Retired",
    };

    public static Color Color(CredentialHealth health) => health switch
    {
        CredentialHealth.Healthy => MudBlazor.Color.Success,
        CredentialHealth.RotationDue => MudBlazor.Color.Warning,
        CredentialHealth.Rotating => MudBlazor.Color.Info,
        CredentialHealth.Failing or CredentialHealth.Down or CredentialHealth.SuspectedCompromise => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };

    /// <summary>One sentence under the chip: what the word means for this credential.</summary>
    public static string Explain(CredentialHealth health) => health switch
    {
        CredentialHealth.Healthy => "The secret works: the last check passed (or none has run yet) and no rotation is due.",
        CredentialHealth.Failing => "The last health check failed: calls with this credential do not work. See the last check below.",
        CredentialHealth.RotationDue => "The secret works but is due for rotation.",
        CredentialHealth.Rotating => "A rotation is in progress.",
        CredentialHealth.Down => "No working secret: a rotation failed after the secret was reset in Procore.",
        CredentialHealth.SuspectedCompromise => "Flagged as possibly compromised: rotate it now.",
        _ => "Retired: no longer used, checked or rotated. An Admin can restore it.",
    };
}

using MudBlazor;
using ProcoreAdmin.Data.Credentials;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>Colours and words for statuses and check outcomes, shared by the registry's pages.</summary>
[FeatureContract]
public static class CredentialDisplay
{
    public static Color StatusColor(CredentialStatus status) => status switch
    {
        CredentialStatus.Active => Color.Success,
        CredentialStatus.RotationDue => Color.Warning,
        CredentialStatus.Rotating => Color.Info,
        CredentialStatus.SuspectedCompromise or CredentialStatus.Down => Color.Error,
        _ => Color.Default,
    };

    public static string StatusText(CredentialStatus status) => status switch
    {
        CredentialStatus.RotationDue => "Rotation due",
        CredentialStatus.SuspectedCompromise => "Suspected compromise",
        _ => status.ToString(),
    };

    public static Color OutcomeColor(string? outcome) => outcome switch
    {
        null => Color.Default,
        nameof(VerificationOutcome.Ok) => Color.Success,
        nameof(VerificationOutcome.RateLimited) or nameof(VerificationOutcome.Unreachable) => Color.Warning,
        _ => Color.Error,
    };

    public static string OutcomeText(string? outcome) => outcome switch
    {
        null => "Not checked",
        nameof(VerificationOutcome.Ok) => "OK",
        nameof(VerificationOutcome.InvalidClient) => "Invalid client",
        nameof(VerificationOutcome.AppNotConnected) => "App not connected",
        nameof(VerificationOutcome.RateLimited) => "Rate limited",
        nameof(VerificationOutcome.Unreachable) => "Unreachable",
        nameof(VerificationOutcome.SecretUnreadable) => "Secret unreadable",
        _ => "Failed",
    };

    public static string Age(DateTime? fromUtc, DateTime nowUtc) =>
        fromUtc is null ? "—" : $"{Math.Max(0, (int)(nowUtc - fromUtc.Value).TotalDays)} d";
}

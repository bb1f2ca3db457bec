using System.Globalization;
using System.Security.Claims;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Audit;

/// <summary>
/// Records staff sign-ins and sign-in failures (issuer + subject, role) and refused actions in the audit trail, and logs each
/// refusal. Only ids, role names and the action's description are written: never a secret, token or authorization code.
/// </summary>
public sealed partial class SignInAuditor(AuditTrail audit, ILogger<SignInAuditor> logger) : ISignInAuditor, IStaffSecurityAuditor
{
    public const string SignInAction = "staff.sign-in";
    public const string DeniedAction = "authorization.denied";
    public const string StepUpAction = "authorization.recent-sign-in-required";

    public Task SignedInAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var actor = StaffActor.From(principal);
        if (actor.Role is null)
        {
            LogSignInWithoutRole(logger, Safe(actor.Issuer), Safe(actor.Subject));
        }

        return audit.RecordAsync(actor, SignInAction, AuditTargets.Staff, AuditTrail.Clean(actor.Subject, 100), actor.Role is null ? AuditOutcomes.Denied : AuditOutcomes.Succeeded,
            actor.Role is null ? "Signed in without an app role" : $"Role {actor.Role}", ct);
    }

    public Task SignInFailedAsync(string issuer, string reason, CancellationToken ct)
    {
        LogSignInFailed(logger, Safe(issuer), Safe(reason));
        return audit.RecordAsync(new StaffActor(issuer, "anonymous", "unknown", null), SignInAction, AuditTargets.Staff, null, AuditOutcomes.Failed, reason, ct);
    }

    public Task DeniedAsync(ClaimsPrincipal user, string requiredRole, string action)
    {
        var actor = StaffActor.From(user);
        LogDenied(logger, Safe(actor.Issuer), Safe(actor.Subject), actor.Role ?? "none", requiredRole, Safe(action));
        return audit.RecordAsync(actor, DeniedAction, AuditTargets.Operation, null, AuditOutcomes.Denied,
            $"Needs the {requiredRole} role to {action} (has {actor.Role ?? "no app role"})");
    }

    public Task RecentSignInRequiredAsync(ClaimsPrincipal user, string action, DateTimeOffset? authTime)
    {
        var actor = StaffActor.From(user);
        var signedIn = authTime?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "unknown";
        LogStepUp(logger, Safe(actor.Issuer), Safe(actor.Subject), Safe(action), signedIn);
        return audit.RecordAsync(actor, StepUpAction, AuditTargets.Operation, null, AuditOutcomes.Denied,
            $"A recent sign-in is required to {action} (last sign-in {signedIn})");
    }

    /// <summary>Log values from an IdP or a user are cleaned of control characters (no forged log lines).</summary>
    private static string Safe(string value) => AuditTrail.Clean(value, 400)!;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in failed (issuer {Issuer}): {Reason}")]
    private static partial void LogSignInFailed(ILogger logger, string issuer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed in without an app role: {Issuer} {Subject}")]
    private static partial void LogSignInWithoutRole(ILogger logger, string issuer, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Authorization denied: {Issuer} {Subject} (role {Role}) needs {RequiredRole} to {Action}")]
    private static partial void LogDenied(ILogger logger, string issuer, string subject, string role, string requiredRole, string action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recent sign-in required: {Issuer} {Subject} tried to {Action} (last sign-in {AuthTime})")]
    private static partial void LogStepUp(ILogger logger, string issuer, string subject, string action, string authTime);
}

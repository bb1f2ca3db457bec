using System.Security.Claims;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Audit;

/// <summary>Records staff sign-ins (issuer + subject, role) in the audit trail.</summary>
public sealed class SignInAuditor(AuditTrail audit) : ISignInAuditor
{
    public Task SignedInAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var actor = StaffActor.From(principal);
        return audit.RecordAsync(actor, "staff.sign-in", "staff", AuditTrail.Clean(actor.Subject, 100), actor.Role is null ? AuditOutcomes.Denied : AuditOutcomes.Succeeded,
            actor.Role is null ? "Signed in without an app role" : $"Role {actor.Role}", ct);
    }
}

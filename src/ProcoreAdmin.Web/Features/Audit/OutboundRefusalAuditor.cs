using ProcoreAdmin.Web.Hosting;
using ProcoreAdmin.Web.Hosting.Outbound;

namespace ProcoreAdmin.Web.Features.Audit;

/// <summary>Writes one audit row per refused outbound connection (host and reason; never the URL, which may carry a secret).</summary>
public sealed class OutboundRefusalAuditor(AuditTrail audit) : IOutboundRefusalRecorder
{
    public const string Action = "outbound.refused";

    public Task RecordAsync(string host, string reason, CancellationToken ct) =>
        audit.RecordAsync(StaffActor.System, Action, AuditTargets.Host, AuditTrail.Clean(host, 200), AuditOutcomes.Denied, $"Outbound connection refused: {reason}", ct);
}

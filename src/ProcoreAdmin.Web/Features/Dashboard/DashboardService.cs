using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Dashboard;

public sealed record FailingCredentialView(long CredentialId, string Label, DateTime CheckedUtc, string Outcome, string? Summary);

public sealed record DashboardView(
    IReadOnlyList<(CredentialHealth Health, int Count)> ByHealth,
    IReadOnlyList<CredentialDueView> DueSoon,
    IReadOnlyList<FailingCredentialView> Failing,
    IReadOnlyList<JobRunView> RecentRuns,
    int UnreadNotifications,
    IReadOnlyList<NotificationView> LatestUnread);

/// <summary>The home page's figures, read through each feature's own service (Viewer).</summary>
public sealed class DashboardService(
    TimeProvider time,
    CurrentStaff staff,
    ICredentialDirectory credentials,
    IRotationDueList rotation,
    IMaintenanceHistory maintenance,
    INotificationInbox notifications)
{
    public async Task<DashboardView> LoadAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "read the dashboard");
        var all = await credentials.ListCredentialsAsync(null, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var byHealth = all.GroupBy(c => CredentialHealthModel.Of(c.Status, c.LastCheckOutcome, c.NextRotationDueUtc, now))
            .OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();
        var due = (await rotation.ListDueAsync(ct)).Where(d => d.DaysLeft <= 30).ToList();

        // A retired set is no longer checked or used: its last failed check is history, not a failing credential.
        var labels = all.Where(c => c.Status != CredentialStatus.Retired).ToDictionary(c => c.CredentialId, c => c.Label);
        var failing = (await maintenance.LatestHealthChecksAsync(ct)).Where(h => !h.Ok && labels.ContainsKey(h.CredentialId))
            .Select(h => new FailingCredentialView(h.CredentialId, labels[h.CredentialId], h.CheckedUtc, h.Outcome, h.Summary)).ToList();
        var runs = await maintenance.RecentRunsAsync(8, ct);
        var unread = await notifications.UnreadCountAsync(ct);
        var latest = await notifications.ListAsync(true, 5, ct);
        return new DashboardView(byHealth, due, failing, runs, unread, latest);
    }
}

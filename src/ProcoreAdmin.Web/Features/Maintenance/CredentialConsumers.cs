using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Maintenance;

/// <summary>The schedules tied to a credential, for the credential pages and confirmations (metadata only).</summary>
public sealed class CredentialConsumers(MaintenanceSchedules schedules) : ICredentialConsumers
{
    public async Task<IReadOnlyList<CredentialConsumer>> ListAsync(long credentialId, CancellationToken ct = default) =>
        (await schedules.ForCredentialAsync(credentialId, ct)).Select(s => new CredentialConsumer(s.Id, s.Title, s.Paused)).ToList();
}

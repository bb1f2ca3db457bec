using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>
/// TEMPORARY until the credential registry (issue 4) is merged: an empty registry so the pages and jobs of this branch
/// run. Registered with TryAdd, so the real registry wins whenever its feature registers it. Delete on merge.
/// </summary>
internal sealed class CredentialRegistryFallback : ICredentialDirectory, ICredentialVerifier, ICredentialSecretStore
{
    public Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<CompanyOption>>([]);

    public Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CredentialOption>>([]);

    public Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default) => Task.FromResult<CredentialOption?>(null);

    public Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CredentialRotationInfo>>([]);

    public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current) => throw Missing();

    public Task<VerificationResult> VerifyAsync(long credentialId, SecretSlot slot, StaffActor actor, CancellationToken ct = default) => throw Missing();

    public Task SetPendingSecretAsync(long credentialId, string secret, StaffActor actor, CancellationToken ct = default) => throw Missing();

    public Task DiscardPendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default) => throw Missing();

    public Task PromotePendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default) => throw Missing();

    public Task SetStatusAsync(long credentialId, CredentialStatus status, string reason, StaffActor actor, CancellationToken ct = default) => throw Missing();

    public Task<(string? Current, string? Pending)> GetFingerprintsAsync(long credentialId, CancellationToken ct = default) => throw Missing();

    private static InvalidOperationException Missing() => new("The credential registry is not installed in this build.");
}

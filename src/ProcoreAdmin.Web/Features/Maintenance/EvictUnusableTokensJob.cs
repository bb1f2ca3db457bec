using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Maintenance;

/// <summary>
/// Token cache housekeeping: drops cached Procore tokens that nothing should use any more — every token of a credential
/// that is retired, down or suspected compromised, and the pending-slot token of a credential with no rotation under
/// way. Reads metadata only (no secret is decrypted) and makes no call to Procore.
/// </summary>
public sealed class EvictUnusableTokensJob(ICredentialDirectory directory, IProcoreClient procore)
{
    public const string Kind = MaintenanceJobKinds.TokenCacheHousekeeping;

    private static readonly HashSet<CredentialStatus> Unusable = [CredentialStatus.Retired, CredentialStatus.Down, CredentialStatus.SuspectedCompromise];

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var credentials = await directory.ListCredentialsAsync(ct: ct);
        var pending = (await directory.ListRotationInfoAsync(ct))
            .Where(r => r.HasPendingSecret)
            .Select(r => r.CredentialId)
            .ToHashSet();

        var evicted = 0;
        foreach (var credential in credentials)
        {
            if (Unusable.Contains(credential.Status))
            {
                // Both slots, in every environment the set is used in (the monthly sandbox has tokens of its own).
                foreach (var target in credential.Targets)
                {
                    procore.ForgetTokens(CredentialTokenKeys.For(credential.CredentialId, SecretSlot.Current, target));
                    procore.ForgetTokens(CredentialTokenKeys.For(credential.CredentialId, SecretSlot.Pending, target));
                }

                evicted += 2;
            }
            else if (!pending.Contains(credential.CredentialId))
            {
                foreach (var target in credential.Targets)
                {
                    procore.ForgetTokens(CredentialTokenKeys.For(credential.CredentialId, SecretSlot.Pending, target));
                }

                evicted++;
            }
        }

        return $"Dropped cached tokens for {evicted} unusable slot(s) across {credentials.Count} credential set(s).";
    }
}

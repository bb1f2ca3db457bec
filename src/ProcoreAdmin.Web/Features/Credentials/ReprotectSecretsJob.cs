using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// Moves every stored secret (and the fingerprint key) to the current Data Protection key after a key roll-over, so old keys
/// can eventually expire without stranding data. Selects only rows whose key id differs from the current one (set-based),
/// re-encrypts them in memory and writes each batch with one SaveChanges. Unreadable rows are counted and left untouched.
/// </summary>
public sealed partial class ReprotectSecretsJob(
    JobRunRecorder recorder,
    IDbContextFactory<AppDbContext> dbFactory,
    ISecretProtector protector,
    AuditTrail audit,
    ILogger<ReprotectSecretsJob> logger)
{
    public const string Kind = MaintenanceJobKinds.ReprotectSecrets;
    public const int BatchSize = 200;

    public Task RunAsync(CancellationToken cancellationToken) => RunAsync("schedule", cancellationToken);

    public Task RunAsync(string trigger, CancellationToken cancellationToken) =>
        recorder.RunAsync(Kind, trigger, async ct =>
        {
            var (moved, unreadable, keyId) = await ReprotectAsync(ct);
            return Summary(moved, unreadable, keyId);
        }, cancellationToken);

    /// <summary>The run history's line for one run.</summary>
    public static string Summary(int moved, int unreadable, Guid keyId) =>
        $"Re-protected {moved} secret(s) to key {keyId.ToString()[..8]}; {unreadable} unreadable.";

    /// <summary>The job body without the run record (tests and benchmarks call it directly).</summary>
    public async Task<(int Moved, int Unreadable, Guid KeyId)> ReprotectAsync(CancellationToken ct)
    {
        var current = protector.CurrentKeyId;
        var moved = 0;
        var unreadable = 0;
        var lastId = 0L;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await db.CredentialSecrets
                .Where(s => s.KeyId != current && s.Id > lastId)
                .OrderBy(s => s.Id)
                .Take(BatchSize)
                .Join(db.CredentialSets, s => s.CredentialSetId, c => c.Id, (s, c) => new
                {
                    Secret = s, c.Environment, c.ClientId, c.CustomLoginBaseUrl, c.CustomApiBaseUrl,
                    c.CoversMonthlySandbox, c.CustomMonthlyLoginBaseUrl, c.CustomMonthlyApiBaseUrl,
                })
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var row in batch)
            {
                var binding = SecretBinding.For(row.Secret.CredentialSetId, row.Environment.ToString(), row.ClientId, row.CustomLoginBaseUrl, row.CustomApiBaseUrl,
                    row.CoversMonthlySandbox, row.CustomMonthlyLoginBaseUrl, row.CustomMonthlyApiBaseUrl, row.Secret.PublicId);
                try
                {
                    var again = protector.Protect(binding, protector.Unprotect(binding, row.Secret.Ciphertext));
                    row.Secret.Ciphertext = again.Ciphertext;
                    row.Secret.KeyId = again.KeyId;
                    moved++;
                }
                catch (CryptographicException)
                {
                    unreadable++;
                    LogUnreadable(logger, row.Secret.CredentialSetId, row.Secret.Id);
                }
            }

            lastId = batch[^1].Secret.Id;
            await db.SaveChangesAsync(ct);
        }

        await protector.ReprotectFingerprintKeyAsync(ct);
        await audit.RecordAsync(StaffActor.System, "credentials.reprotect", AuditTargets.Credential, null,
            unreadable == 0 ? AuditOutcomes.Succeeded : AuditOutcomes.Failed, $"Moved {moved} secret(s) to the current key; {unreadable} unreadable.", ct);
        return (moved, unreadable, current);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Secret version {SecretId} of credential {CredentialId} could not be decrypted during re-protect")]
    private static partial void LogUnreadable(ILogger logger, long credentialId, long secretId);
}

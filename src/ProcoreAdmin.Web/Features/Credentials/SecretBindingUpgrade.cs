using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// One-time upgrade at start-up: secrets stored before the destination (login and API base URLs) was part of the binding are
/// re-protected with the full binding, using the destination their row has at that moment. Afterwards a marker row is
/// written and legacy payloads are never read again, so from then on a secret decrypts only for the hosts it was saved for.
/// The marker is written only when every row could be read (a missing key ring must not freeze rows in the old format).
/// </summary>
public sealed partial class SecretBindingUpgrade(
    ISecretProtector protector,
    IDataProtectionProvider provider,
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider time,
    ILogger<SecretBindingUpgrade> logger)
{
    public const string MarkerName = "secret-binding-v2";
    public const int BatchSize = 200;

    /// <summary>Returns how many rows were upgraded (0 when the marker exists).</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        await using (var check = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await check.CredentialKeyMaterial.AsNoTracking().AnyAsync(k => k.Name == MarkerName, ct))
            {
                return 0;
            }
        }

        var upgraded = 0;
        var unreadable = 0;
        var lastId = 0L;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await db.CredentialSecrets.Where(s => s.Id > lastId).OrderBy(s => s.Id).Take(BatchSize)
                .Join(db.CredentialSets, s => s.CredentialSetId, c => c.Id,
                    (s, c) => new
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
                var binding = SecretBinding.For(row.Secret.CredentialSetId, row.Environment.ToString(), row.ClientId, row.CustomLoginBaseUrl,
                    row.CustomApiBaseUrl,
                    row.CoversMonthlySandbox, row.CustomMonthlyLoginBaseUrl, row.CustomMonthlyApiBaseUrl, row.Secret.PublicId);
                try
                {
                    _ = protector.Unprotect(binding, row.Secret.Ciphertext);
                    continue; // already bound to its destination
                }
                catch (CryptographicException)
                {
                }

                try
                {
                    var again = protector.Protect(binding, protector.UnprotectLegacy(binding, row.Secret.Ciphertext));
                    row.Secret.Ciphertext = again.Ciphertext;
                    row.Secret.KeyId = again.KeyId;
                    upgraded++;
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

        if (unreadable == 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var payload = provider.CreateProtector(SecretProtector.Purpose, MarkerName).Protect([1]);
            db.CredentialKeyMaterial.Add(new CredentialKeyMaterial
            {
                Name = MarkerName, Protected = payload, KeyId = SecretProtector.KeyIdOf(payload), CreatedUtc = time.GetUtcNow().UtcDateTime,
            });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance finished the same upgrade first.
            }
        }

        LogUpgraded(logger, upgraded, unreadable);
        return upgraded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret binding upgrade: {Upgraded} secret version(s) bound to their destination; {Unreadable} unreadable")]
    private static partial void LogUpgraded(ILogger logger, int upgraded, int unreadable);

    [LoggerMessage(Level = LogLevel.Error, Message = "Secret version {SecretId} of credential {CredentialId} could not be read during the binding upgrade")]
    private static partial void LogUnreadable(ILogger logger, long credentialId, long secretId);
}

using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// The secret versions of credential sets: encrypt on write, decrypt only for the Procore client, fingerprints for display.
/// Write methods are job-facing (they take the actor) and accept only an Admin or <see cref="StaffActor.System"/>.
/// </summary>
public sealed partial class CredentialSecretStore(
    IDbContextFactory<AppDbContext> dbFactory,
    ISecretProtector protector,
    AuditTrail audit,
    TimeProvider time,
    ILogger<CredentialSecretStore> logger) : ICredentialSecretStore
{
    public const string TargetType = AuditTargets.Credential;

    public async Task SetPendingSecretAsync(long credentialId, string secret, StaffActor actor, CancellationToken ct = default)
    {
        // The fingerprint key may be created on first use, on its own connection: before the transaction. Then the earlier
        // pending secret is replaced, the new one added and its audit row written in one transaction: a failure leaves the
        // earlier pending secret in place instead of no pending secret at all.
        await PrepareWritesAsync(ct);
        await InOneTransactionAsync(db => SetPendingSecretAsync(db, credentialId, secret, actor, ct), ct);
    }

    public Task PrepareWritesAsync(CancellationToken ct) => protector.EnsureFingerprintKeyAsync(ct);

    /// <summary>Replaces the pending secret in the caller's context and open transaction (after <see cref="PrepareWritesAsync"/>); the caller saves and commits.</summary>
    public async Task<string?> SetPendingSecretAsync(AppDbContext db, long credentialId, string secret, StaffActor actor, CancellationToken ct)
    {
        RequireWriter(actor, "set a pending secret");
        RequireValidSecret(secret);
        RequireTransaction(db, "Setting a pending secret");
        var credential = await LoadAsync(db, credentialId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var version = await NewVersionAsync(credential, SecretVersionState.Pending, secret, actor, now, ct);
        await db.CredentialSecrets.Where(s => s.CredentialSetId == credentialId && s.State == SecretVersionState.Pending)
            .ExecuteDeleteAsync(ct);
        db.CredentialSecrets.Add(version);
        credential.Version++;
        var display = SecretProtector.Display(version.Fingerprint);
        audit.Add(db, actor, "credential.secret.set-pending", TargetType, Id(credentialId), AuditOutcomes.Succeeded, $"Pending secret {display}");
        return display;
    }

    public Task DiscardPendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default) =>
        InOneTransactionAsync(db => DiscardPendingSecretAsync(db, credentialId, actor, ct), ct);

    /// <summary>Deletes the pending secret and adds the audit row in the caller's context and transaction; the caller saves and commits.</summary>
    public async Task DiscardPendingSecretAsync(AppDbContext db, long credentialId, StaffActor actor, CancellationToken ct)
    {
        RequireWriter(actor, "discard a pending secret");
        RequireTransaction(db, "Discarding a pending secret");

        var removed = await db.CredentialSecrets.Where(s => s.CredentialSetId == credentialId && s.State == SecretVersionState.Pending)
            .ExecuteDeleteAsync(ct);
        audit.Add(db, actor, "credential.secret.discard-pending", TargetType, Id(credentialId), AuditOutcomes.Succeeded, removed == 0 ? "No pending secret" : null);
    }

    public Task PromotePendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default) =>
        InOneTransactionAsync(db => PromotePendingSecretAsync(db, credentialId, actor, ct), ct);

    /// <summary>Promotes the pending secret in the caller's context and open transaction; the caller saves and commits.</summary>
    public async Task PromotePendingSecretAsync(AppDbContext db, long credentialId, StaffActor actor, CancellationToken ct)
    {
        RequireWriter(actor, "promote a pending secret");
        RequireTransaction(db, "Promoting a pending secret");
        var credential = await LoadAsync(db, credentialId, ct);
        var secrets = await db.CredentialSecrets.Where(s => s.CredentialSetId == credentialId && s.State != SecretVersionState.Retired).ToListAsync(ct);
        var pending = secrets.SingleOrDefault(s => s.State == SecretVersionState.Pending)
                      ?? throw new InvalidOperationException($"Credential {credentialId} has no pending secret to promote.");
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var current in secrets.Where(s => s.State == SecretVersionState.Current))
        {
            current.State = SecretVersionState.Retired;
            current.RetiredUtc = now;
        }

        // Retire first (saved inside the caller's transaction) so the "one current per credential" index never sees two.
        await db.SaveChangesAsync(ct);
        pending.State = SecretVersionState.Current;
        credential.Status = CredentialStatus.Active;
        credential.LastVerifiedRotationUtc = now;
        credential.UpdatedUtc = now;
        credential.Version++;
        audit.Add(db, actor, "credential.secret.promote", TargetType, Id(credentialId), AuditOutcomes.Succeeded, $"Current secret is now {SecretProtector.Display(pending.Fingerprint)}");
    }

    /// <summary>Runs one of the caller's-unit-of-work methods on a context of its own: one transaction, saved and committed.</summary>
    private async Task InOneTransactionAsync(Func<AppDbContext, Task> work, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await work(db);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static void RequireTransaction(AppDbContext db, string what)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException($"{what} in the caller's unit of work needs an open transaction.");
        }
    }

    public async Task SetStatusAsync(long credentialId, CredentialStatus status, string reason, StaffActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await SetStatusAsync(db, credentialId, status, reason, actor, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Changes the status and adds the audit row in the caller's context; the caller saves (one unit of work).</summary>
    public async Task SetStatusAsync(AppDbContext db, long credentialId, CredentialStatus status, string reason, StaffActor actor, CancellationToken ct)
    {
        RequireWriter(actor, "change a credential's status");
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status));
        }

        var credential = await LoadAsync(db, credentialId, ct);
        var previous = credential.Status;
        credential.Status = status;
        credential.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        credential.Version++;
        audit.Add(db, actor, "credential.status", TargetType, Id(credentialId), AuditOutcomes.Succeeded, $"{previous} → {status}: {reason}");
    }

    public async Task<(string? Current, string? Pending)> GetFingerprintsAsync(long credentialId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.CredentialSecrets.AsNoTracking()
            .Where(s => s.CredentialSetId == credentialId && s.State != SecretVersionState.Retired)
            .Select(s => new { s.State, s.Fingerprint })
            .ToListAsync(ct);
        var current = rows.FirstOrDefault(r => r.State == SecretVersionState.Current)?.Fingerprint;
        var pending = rows.FirstOrDefault(r => r.State == SecretVersionState.Pending)?.Fingerprint;
        return (current is null ? null : SecretProtector.Display(current), pending is null ? null : SecretProtector.Display(pending));
    }

    /// <summary>
    /// Decrypts the secret for the Procore client. A missing, tampered or copied ciphertext is audited and logged
    /// (ids only) and throws <see cref="CredentialUnreadableException"/>; nothing is sent to Procore then.
    /// </summary>
    public async ValueTask<string> RevealForProcoreAsync(long credentialId, SecretSlot slot, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var state = slot == SecretSlot.Pending ? SecretVersionState.Pending : SecretVersionState.Current;
        var row = await db.CredentialSecrets.AsNoTracking()
            .Where(s => s.CredentialSetId == credentialId && s.State == state)
            .Join(db.CredentialSets, s => s.CredentialSetId, c => c.Id, (s, c) => new
            {
                s.Ciphertext, s.PublicId, c.Environment, c.ClientId, c.CustomLoginBaseUrl, c.CustomApiBaseUrl,
                c.CoversMonthlySandbox, c.CustomMonthlyLoginBaseUrl, c.CustomMonthlyApiBaseUrl,
            })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            LogSecretMissing(logger, credentialId, slot);
            throw new CredentialUnreadableException(credentialId);
        }

        try
        {
            return protector.Unprotect(
                SecretBinding.For(credentialId, row.Environment.ToString(), row.ClientId, row.CustomLoginBaseUrl, row.CustomApiBaseUrl,
                    row.CoversMonthlySandbox, row.CustomMonthlyLoginBaseUrl, row.CustomMonthlyApiBaseUrl, row.PublicId), row.Ciphertext);
        }
        catch (CryptographicException ex)
        {
            LogSecretUnreadable(logger, credentialId, slot, ex.GetType().Name);
            await audit.RecordAsync(StaffActor.System, "credential.secret.unreadable", TargetType, Id(credentialId), AuditOutcomes.Failed,
                $"The {slot} secret failed its integrity check (tampered, copied from another row, its destination changed, or key missing). No call was made to Procore.", ct);
            throw new CredentialUnreadableException(credentialId);
        }
    }

    /// <summary>Call before a write transaction that adds secret versions (loads the fingerprint key outside it).</summary>
    internal Task PrepareAsync(CancellationToken ct) => PrepareWritesAsync(ct);

    /// <summary>Makes <paramref name="secret"/> the current secret (retiring the old one) in the caller's context; the caller saves.</summary>
    internal async Task ReplaceCurrentAsync(AppDbContext db, CredentialSet credential, string secret, StaffActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var retired = await db.CredentialSecrets
            .Where(s => s.CredentialSetId == credential.Id && s.State == SecretVersionState.Current)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, SecretVersionState.Retired).SetProperty(x => x.RetiredUtc, now), ct);
        var version = await NewVersionAsync(credential, SecretVersionState.Current, secret, actor, now, ct);
        db.CredentialSecrets.Add(version);
        audit.Add(db, actor, "credential.secret.replace", TargetType, Id(credential.Id), AuditOutcomes.Succeeded,
            retired == 0 ? $"Secret set: {SecretProtector.Display(version.Fingerprint)}" : $"Secret replaced: {SecretProtector.Display(version.Fingerprint)}");
    }

    internal async Task<CredentialSecret> NewVersionAsync(CredentialSet credential, SecretVersionState state, string secret, StaffActor actor, DateTime now, CancellationToken ct)
    {
        var publicId = Guid.NewGuid();
        var protectedSecret = protector.Protect(
            SecretBinding.For(credential, publicId), secret);
        return new CredentialSecret
        {
            PublicId = publicId,
            CredentialSetId = credential.Id,
            State = state,
            Ciphertext = protectedSecret.Ciphertext,
            KeyId = protectedSecret.KeyId,
            Fingerprint = await protector.FingerprintAsync(secret, ct),
            CreatedUtc = now,
            CreatedBy = AuditTrail.Clean(actor.Name, 200)!,
            CreatedBySubject = AuditTrail.Clean(actor.Subject, 200),
        };
    }

    private static async Task<CredentialSet> LoadAsync(AppDbContext db, long credentialId, CancellationToken ct) =>
        await db.CredentialSets.SingleOrDefaultAsync(c => c.Id == credentialId, ct)
        ?? throw new KeyNotFoundException($"Credential {credentialId} does not exist.");

    private static void RequireWriter(StaffActor actor, string action)
    {
        if (actor != StaffActor.System && actor.Role != StaffRoles.Admin)
        {
            throw new StaffForbiddenException($"You need the {StaffRoles.Admin} role to {action}.");
        }
    }

    private static void RequireValidSecret(string secret)
    {
        var errors = new Dictionary<string, string>();
        InputRules.Secret(errors, "Secret", secret, required: true);
        if (errors.Count > 0)
        {
            throw new ArgumentException(errors.Values.First(), nameof(secret));
        }
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Credential {CredentialId} has no {Slot} secret")]
    private static partial void LogSecretMissing(ILogger logger, long credentialId, SecretSlot slot);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Slot} secret of credential {CredentialId} failed decryption ({ErrorType}): tampered, copied or key missing")]
    private static partial void LogSecretUnreadable(ILogger logger, long credentialId, SecretSlot slot, string errorType);
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Data.Credentials;

namespace ProcoreAdmin.Web.Features.Audit;

/// <summary>Section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// Optional: the key of the audit hash chain, base64 of at least 32 random bytes, kept outside the database (environment
    /// variable <c>Audit__ChainKey</c>, a vault). Empty: a random key is created once and stored in the database wrapped by the
    /// Data Protection key ring, so someone who can write the database but does not hold the key ring cannot re-seal edited rows.
    /// </summary>
    public string? ChainKey { get; set; }
}

public sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ChainKey))
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            return Convert.FromBase64String(options.ChainKey.Trim()).Length >= 32
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Audit:ChainKey must be base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`).");
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Fail("Audit:ChainKey is not valid base64. Use base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`).");
        }
    }
}

/// <summary>
/// The HMAC key of the audit chain: <see cref="AuditOptions.ChainKey"/> when configured, otherwise a random key stored in the
/// database wrapped by Data Protection (created at start-up by <see cref="AuditChainStartup"/>, before any transaction needs it).
/// </summary>
/// <remarks>The context factory is resolved on first use: the contexts it makes carry the chain's interceptor, which needs this key.</remarks>
public sealed class AuditChainKey(IOptions<AuditOptions> options, IServiceProvider services, TimeProvider time, IDataProtectionProvider? dataProtection = null)
    : IDisposable
{
    public const string StoredKeyName = "audit-chain-key-v1";
    private readonly IDataProtector? _protector = dataProtection?.CreateProtector("ProcoreAdmin.Audit.ChainKey.v1");
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Releases the creation lock (the container disposes this singleton at shutdown).</summary>
    public void Dispose() => _lock.Dispose();
    private byte[]? _key;

    /// <summary>Loads or creates the key. Call outside any write transaction (start-up, or a verification run).</summary>
    public async Task<byte[]> GetAsync(CancellationToken ct = default)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        await _lock.WaitAsync(ct);
        try
        {
            if (_key is not null)
            {
                return _key;
            }

            if (!string.IsNullOrWhiteSpace(options.Value.ChainKey))
            {
                return _key = Convert.FromBase64String(options.Value.ChainKey.Trim());
            }

            if (_protector is null)
            {
                // A service graph without a key ring (some test and benchmark hosts; the app always has one): a key for this
                // process only, never stored, so rows still chain but cannot be verified by another process.
                return _key = RandomNumberGenerator.GetBytes(32);
            }

            await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
            var row = await db.CredentialKeyMaterial.AsNoTracking().SingleOrDefaultAsync(k => k.Name == StoredKeyName, ct);
            if (row is null)
            {
                var fresh = RandomNumberGenerator.GetBytes(32);
                var payload = _protector.Protect(fresh);
                db.CredentialKeyMaterial.Add(new CredentialKeyMaterial
                {
                    Name = StoredKeyName, Protected = payload, KeyId = DataProtectionPayload.KeyIdOf(payload), CreatedUtc = time.GetUtcNow().UtcDateTime,
                });
                try
                {
                    await db.SaveChangesAsync(ct);
                    return _key = fresh;
                }
                catch (DbUpdateException)
                {
                    // Another instance created it first: use theirs.
                    db.ChangeTracker.Clear();
                    row = await db.CredentialKeyMaterial.AsNoTracking().SingleAsync(k => k.Name == StoredKeyName, ct);
                }
            }

            try
            {
                return _key = _protector.Unprotect(row.Protected);
            }
            catch (CryptographicException)
            {
                throw new InvalidOperationException(
                    "The audit chain key stored in the database cannot be read with this Data Protection key ring. Restore the original key ring " +
                    "(DataProtection:KeysPath and its certificate) or configure the key it was made with as Audit:ChainKey.");
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The key when already loaded; the interceptor loads it synchronously otherwise (a read, never a write inside a transaction).</summary>
    internal byte[] Get() => _key ?? GetAsync().GetAwaiter().GetResult();
}

/// <summary>The keyed hash of one audit row: HMAC-SHA256 over every field (length-prefixed, so fields cannot run into each other) and the previous hash.</summary>
public static class AuditChainHash
{
    public static string Compute(byte[] key, AuditEvent e)
    {
        var text = new StringBuilder();
        void Field(string? value)
        {
            if (value is null)
            {
                text.Append("-1:");
                return;
            }

            text.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        }

        Field("v1");
        Field(e.Sequence?.ToString(CultureInfo.InvariantCulture));
        Field(e.PreviousHash);
        Field(DateTime.SpecifyKind(e.OccurredUtc, DateTimeKind.Utc).Ticks.ToString(CultureInfo.InvariantCulture));
        Field(e.ActorIssuer);
        Field(e.ActorSubject);
        Field(e.ActorName);
        Field(e.Action);
        Field(e.TargetType);
        Field(e.TargetId);
        Field(e.Outcome);
        Field(e.Detail);
        Field(e.CorrelationId);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>
/// Seals every audit row as it is saved: sequence = tail + 1, previous hash = the tail's hash, hash = HMAC over the row.
/// Appends are serialized by the database: the tail is read inside the write transaction (SQLite: BEGIN IMMEDIATE holds the
/// single writer lock; SQL Server: an exclusive application lock held until commit; PostgreSQL: a transaction-scoped advisory lock), and the unique index on the sequence makes a
/// fork impossible even if that were bypassed. When the caller has no transaction, one is opened here and committed after the save.
/// </summary>
public sealed class AuditChainInterceptor(AuditChainKey key) : SaveChangesInterceptor
{
    private const string SqlServerLock = "EXEC sp_getapplock @Resource = N'ProcoreAdmin.AuditChain', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000";

    /// <summary>PostgreSQL: a transaction-scoped advisory lock (released at commit or rollback); the number names the audit chain.</summary>
    private const string PostgresLock = "SELECT pg_advisory_xact_lock(7023390113641189121)";
    private readonly ConditionalWeakTable<DbContext, IDbContextTransaction> _owned = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db && Pending(db) is { Count: > 0 } added)
        {
            if (db.Database.CurrentTransaction is null)
            {
                _owned.AddOrUpdate(db, db.Database.BeginTransaction());
            }

            if (db.Database.IsSqlServer())
            {
                db.Database.ExecuteSqlRaw(SqlServerLock);
            }
            else if (db.Database.IsNpgsql())
            {
                db.Database.ExecuteSqlRaw(PostgresLock);
            }

            Seal(added, Tail(db).FirstOrDefault());
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db && Pending(db) is { Count: > 0 } added)
        {
            await key.GetAsync(cancellationToken);
            if (db.Database.CurrentTransaction is null)
            {
                _owned.AddOrUpdate(db, await db.Database.BeginTransactionAsync(cancellationToken));
            }

            if (db.Database.IsSqlServer())
            {
                await db.Database.ExecuteSqlRawAsync(SqlServerLock, cancellationToken);
            }
            else if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync(PostgresLock, cancellationToken);
            }

            Seal(added, await Tail(db).FirstOrDefaultAsync(cancellationToken));
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Take(eventData.Context) is { } tx)
        {
            using (tx)
            {
                tx.Commit();
            }
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Take(eventData.Context) is { } tx)
        {
            await using (tx)
            {
                await tx.CommitAsync(cancellationToken);
            }
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Take(eventData.Context)?.Dispose();

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Take(eventData.Context) is { } tx)
        {
            await tx.DisposeAsync();
        }
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Take(eventData.Context)?.Dispose();

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Take(eventData.Context) is { } tx)
        {
            await tx.DisposeAsync();
        }
    }

    private static List<AuditEvent> Pending(AppDbContext db) =>
        db.ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();

    private static IQueryable<ChainTail> Tail(AppDbContext db) =>
        db.AuditEvents.AsNoTracking().Where(a => a.Sequence != null).OrderByDescending(a => a.Sequence)
            .Select(a => new ChainTail(a.Sequence!.Value, a.Hash ?? ""));

    private void Seal(List<AuditEvent> added, ChainTail? tail)
    {
        var secret = key.Get();
        var sequence = tail?.Sequence ?? 0;
        var previous = tail?.Hash ?? "";
        foreach (var e in added)
        {
            // The time is sealed as the database stores it: PostgreSQL keeps whole microseconds, so finer ticks would be
            // lost on the round trip and the row would verify as altered.
            e.OccurredUtc = e.OccurredUtc.AddTicks(-(e.OccurredUtc.Ticks % TimeSpan.TicksPerMicrosecond));
            e.Sequence = ++sequence;
            e.PreviousHash = previous;
            e.Hash = AuditChainHash.Compute(secret, e);
            previous = e.Hash;
        }
    }

    private IDbContextTransaction? Take(DbContext? context)
    {
        if (context is not null && _owned.TryGetValue(context, out var tx))
        {
            _owned.Remove(context);
            return tx;
        }

        return null;
    }

    private sealed record ChainTail(long Sequence, string Hash);
}

/// <summary>The result of walking the chain: intact, or the first row that breaks it.</summary>
public sealed record AuditChainReport(bool Intact, long SealedRows, long RowsBeforeChain, long? BrokenSequence, long? BrokenRowId, string Message);

/// <summary>Walks the chain in sequence order and reports the first altered, missing, re-ordered or unsealed row.</summary>
public sealed class AuditChainVerifier(IDbContextFactory<AppDbContext> dbFactory, AuditChainKey key)
{
    private const int Batch = 2000;

    public async Task<AuditChainReport> VerifyAsync(CancellationToken ct = default)
    {
        var secret = await key.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var firstSealedId = await db.AuditEvents.Where(a => a.Sequence != null).MinAsync(a => (long?)a.Id, ct);
        var beforeChain = firstSealedId is null
            ? await db.AuditEvents.LongCountAsync(ct)
            : await db.AuditEvents.LongCountAsync(a => a.Sequence == null && a.Id < firstSealedId, ct);
        if (firstSealedId is not null)
        {
            var unsealed = await db.AuditEvents.Where(a => a.Sequence == null && a.Id > firstSealedId).OrderBy(a => a.Id).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
            if (unsealed is not null)
            {
                return new AuditChainReport(false, 0, beforeChain, null, unsealed, $"Row #{unsealed} has no chain hash although the chain had started: its seal was removed.");
            }
        }

        long count = 0;
        long expected = 1;
        long lastId = 0;
        var previous = "";
        while (true)
        {
            var from = expected - 1;
            var rows = await db.AuditEvents.AsNoTracking().Where(a => a.Sequence != null && a.Sequence > from)
                .OrderBy(a => a.Sequence).Take(Batch).ToListAsync(ct);
            foreach (var row in rows)
            {
                if (row.Sequence != expected)
                {
                    return new AuditChainReport(false, count, beforeChain, expected, row.Id, row.Sequence < expected
                        ? $"Sequence {row.Sequence} appears twice (row #{row.Id})."
                        : $"Row(s) {expected}–{row.Sequence - 1} of the chain are missing (deleted), before row #{row.Id}.");
                }

                if (!string.Equals(row.PreviousHash ?? "", previous, StringComparison.Ordinal))
                {
                    return new AuditChainReport(false, count, beforeChain, expected, row.Id, $"Row #{row.Id} (sequence {expected}) does not follow the row before it: rows were re-ordered, removed or replaced.");
                }

                if (row.Id <= lastId)
                {
                    return new AuditChainReport(false, count, beforeChain, expected, row.Id, $"Row #{row.Id} (sequence {expected}) is out of order: rows were re-ordered.");
                }

                var actual = AuditChainHash.Compute(secret, row);
                if (row.Hash is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(row.Hash)))
                {
                    return new AuditChainReport(false, count, beforeChain, expected, row.Id, $"Row #{row.Id} (sequence {expected}) was altered after it was written.");
                }

                previous = row.Hash;
                lastId = row.Id;
                expected++;
                count++;
            }

            if (rows.Count < Batch)
            {
                break;
            }
        }

        var note = beforeChain > 0 ? $" ({beforeChain} earlier row(s) predate the chain)" : "";
        return new AuditChainReport(true, count, beforeChain, null, null, $"Intact: {count} row(s) verified{note}.");

    }
}

/// <summary>Loads (or creates) the chain key at start-up, so no append inside a transaction ever has to create it.</summary>
public sealed class AuditChainStartup(AuditChainKey key) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => key.GetAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The scheduled verification: "intact" or the first broken row (the run fails and a critical log line is written).</summary>
public sealed partial class VerifyAuditChainJob(AuditChainVerifier verifier, AuditChainStatus status, ILogger<VerifyAuditChainJob> logger)
{
    public const string Kind = MaintenanceJobKinds.AuditChainVerify;

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var report = await verifier.VerifyAsync(ct);
        status.Set(report);
        if (!report.Intact)
        {
            LogBroken(logger, report.BrokenRowId, report.Message);
            throw new AuditChainBrokenException(report.Message);
        }

        return report.Message;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit trail tampering detected at row {RowId}: {Detail}")]
    private static partial void LogBroken(ILogger logger, long? rowId, string detail);
}

public sealed class AuditChainBrokenException(string message) : Exception(message);

/// <summary>The latest verification result in this instance (shown on the Audit page until a fresh check finishes).</summary>
public sealed class AuditChainStatus(TimeProvider time)
{
    public (AuditChainReport Report, DateTime CheckedUtc)? Last { get; private set; }

    public void Set(AuditChainReport report) => Last = (report, time.GetUtcNow().UtcDateTime);
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// What a ciphertext is bound to: the credential, its environment, client id, secret version and destination (the login and
/// API base URLs the secret and its tokens may be sent to, and those of the monthly sandbox when the set covers it). Copying
/// it to another row, pointing the row at another host or adding a second destination makes it undecryptable. Build it with
/// <see cref="For(long, string, string, string?, string?, Guid)"/> or <see cref="For(CredentialSet, Guid)"/>.
/// </summary>
public sealed record SecretBinding(long CredentialId, string Environment, string ClientId, Guid VersionId, string Destination)
{
    /// <summary>The binding of a secret version of a credential row (its stored environment and Custom base URLs).</summary>
    public static SecretBinding For(long credentialId, string environment, string clientId, string? customLoginBaseUrl, string? customApiBaseUrl, Guid versionId) =>
        new(credentialId, environment, clientId, versionId, DestinationOf(environment, customLoginBaseUrl, customApiBaseUrl));

    /// <summary>The binding of a secret version of <paramref name="credential"/>, including its monthly-sandbox destination.</summary>
    public static SecretBinding For(CredentialSet credential, Guid versionId) =>
        For(credential.Id, credential.Environment.ToString(), credential.ClientId, credential.CustomLoginBaseUrl, credential.CustomApiBaseUrl,
            credential.CoversMonthlySandbox, credential.CustomMonthlyLoginBaseUrl, credential.CustomMonthlyApiBaseUrl, versionId);

    /// <summary>As above from stored columns.</summary>
    public static SecretBinding For(long credentialId, string environment, string clientId, string? customLoginBaseUrl, string? customApiBaseUrl,
        bool coversMonthlySandbox, string? customMonthlyLoginBaseUrl, string? customMonthlyApiBaseUrl, Guid versionId) =>
        new(credentialId, environment, clientId, versionId,
            DestinationOf(environment, customLoginBaseUrl, customApiBaseUrl, coversMonthlySandbox, customMonthlyLoginBaseUrl, customMonthlyApiBaseUrl));

    /// <summary>
    /// The canonical "login|api" destination of a credential. Fixed environments use their fixed hosts (the Custom URLs are
    /// ignored for them, as the client ignores them). Scheme, host, port and path all count.
    /// </summary>
    public static string DestinationOf(string environment, string? customLoginBaseUrl, string? customApiBaseUrl)
    {
        if (!Enum.TryParse<ProcoreAdmin.ProcoreClient.ProcoreEnvironment>(environment, ignoreCase: false, out var env) || !Enum.IsDefined(env))
        {
            return "unknown";
        }

        if (env != ProcoreAdmin.ProcoreClient.ProcoreEnvironment.Custom)
        {
            var hosts = ProcoreAdmin.ProcoreClient.ProcoreHosts.For(env);
            return $"{Canonical(hosts.LoginBaseUrl.ToString())}|{Canonical(hosts.ApiBaseUrl.ToString())}";
        }

        return $"{Canonical(customLoginBaseUrl)}|{Canonical(customApiBaseUrl)}";
    }

    /// <summary>
    /// The destination including the monthly sandbox: unchanged for a set that does not cover it (so existing ciphertexts stay
    /// valid), otherwise "login|api+monthly:login|api" with the monthly sandbox's fixed hosts (Production) or the Custom
    /// monthly URLs (Custom).
    /// </summary>
    public static string DestinationOf(string environment, string? customLoginBaseUrl, string? customApiBaseUrl,
        bool coversMonthlySandbox, string? customMonthlyLoginBaseUrl, string? customMonthlyApiBaseUrl)
    {
        var primary = DestinationOf(environment, customLoginBaseUrl, customApiBaseUrl);
        if (!coversMonthlySandbox)
        {
            return primary;
        }

        var monthly = environment == nameof(ProcoreAdmin.ProcoreClient.ProcoreEnvironment.Custom)
            ? DestinationOf(environment, customMonthlyLoginBaseUrl, customMonthlyApiBaseUrl)
            : environment == nameof(ProcoreAdmin.ProcoreClient.ProcoreEnvironment.Production)
                ? DestinationOf(nameof(ProcoreAdmin.ProcoreClient.ProcoreEnvironment.MonthlySandbox), null, null)
                : "none";
        return $"{primary}+monthly:{monthly}";
    }

    private static string Canonical(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return "none";
        }

        var authority = $"{uri.IdnHost.ToLowerInvariant()}:{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        return $"{uri.Scheme.ToLowerInvariant()}://{authority}{path}";
    }

    /// <summary>Before the destination was bound (payloads written by earlier versions; only the one-time upgrade reads these).</summary>
    public string[] LegacyPurposes => [$"credential:{CredentialId}", $"environment:{Environment}", $"client:{ClientId}", $"version:{VersionId:N}"];

    public string[] Purposes => [.. LegacyPurposes, $"destination:{Destination}"];
}

/// <summary>A Data Protection payload and the id of the key that made it.</summary>
public sealed record ProtectedSecret(byte[] Ciphertext, Guid KeyId);

/// <summary>
/// Encrypts client secrets before they reach EF (ASP.NET Core Data Protection: AES-256-CBC + HMAC-SHA256, authenticated,
/// key ring protected at rest by the configured certificate) and computes keyed fingerprints.
/// </summary>
[FeatureContract]
public interface ISecretProtector
{
    ProtectedSecret Protect(SecretBinding binding, string secret);

    /// <summary>Throws <see cref="CryptographicException"/> when the payload was changed, copied from another row, bound to another
    /// destination, or its key is missing.</summary>
    string Unprotect(SecretBinding binding, byte[] ciphertext);

    /// <summary>
    /// Reads a payload written before the destination was part of the binding. Only the one-time binding upgrade at start-up
    /// calls this (it re-protects such rows with the full binding); nothing that sends a secret anywhere does.
    /// </summary>
    string UnprotectLegacy(SecretBinding binding, byte[] ciphertext);

    /// <summary>HMAC-SHA256 of the secret (hex) under a key that Data Protection holds; never stored or shown in clear.</summary>
    Task<string> FingerprintAsync(string secret, CancellationToken ct = default);

    /// <summary>
    /// Loads (or creates) the fingerprint key. Call before opening a write transaction: creating the key writes a row, which
    /// on SQLite would wait for the caller's own transaction.
    /// </summary>
    Task EnsureFingerprintKeyAsync(CancellationToken ct = default);

    /// <summary>The id of the key that new payloads are protected with.</summary>
    Guid CurrentKeyId { get; }

    /// <summary>Moves the fingerprint key's own payload to the current key; returns true when it changed.</summary>
    Task<bool> ReprotectFingerprintKeyAsync(CancellationToken ct = default);

    /// <summary>Proves the key ring can read what is stored (throws a clear <see cref="InvalidOperationException"/> otherwise).</summary>
    Task VerifyKeyRingAsync(CancellationToken ct = default);
}

public sealed class SecretProtector(IDataProtectionProvider provider, IDbContextFactory<AppDbContext> dbFactory, TimeProvider time) : ISecretProtector, IDisposable
{
    public const string Purpose = "ProcoreAdmin.Credentials.v1";
    public const string FingerprintKeyName = "fingerprint-key-v1";

    private static readonly byte[] Probe = [0x70, 0x72, 0x6f, 0x62, 0x65];
    private readonly IDataProtector _root = provider.CreateProtector(Purpose);
    private readonly SemaphoreSlim _keyLock = new(1, 1);

    /// <summary>Releases the key lock (the container disposes this singleton at shutdown).</summary>
    public void Dispose() => _keyLock.Dispose();
    private byte[]? _fingerprintKey;

    private IDataProtector FingerprintKeyProtector => _root.CreateProtector("fingerprint-key");

    public Guid CurrentKeyId => KeyIdOf(_root.Protect(Probe));

    /// <summary>The key id in a Data Protection payload header (4-byte magic, then the 16-byte key id).</summary>
    public static Guid KeyIdOf(byte[] payload) => DataProtectionPayload.KeyIdOf(payload);

    public ProtectedSecret Protect(SecretBinding binding, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        try
        {
            var payload = _root.CreateProtector(binding.Purposes).Protect(plain);
            return new ProtectedSecret(payload, KeyIdOf(payload));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public string Unprotect(SecretBinding binding, byte[] ciphertext) => Decode(_root.CreateProtector(binding.Purposes).Unprotect(ciphertext));

    public string UnprotectLegacy(SecretBinding binding, byte[] ciphertext) => Decode(_root.CreateProtector(binding.LegacyPurposes).Unprotect(ciphertext));

    private static string Decode(byte[] plain)
    {
        try
        {
            return Encoding.UTF8.GetString(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public async Task<string> FingerprintAsync(string secret, CancellationToken ct = default)
    {
        var key = await GetFingerprintKeyAsync(ct);
        var plain = Encoding.UTF8.GetBytes(secret);
        try
        {
            return Convert.ToHexStringLower(HMACSHA256.HashData(key, plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public Task EnsureFingerprintKeyAsync(CancellationToken ct = default) => GetFingerprintKeyAsync(ct);

    /// <summary>Shown in the UI: the first 8 hex characters of the keyed fingerprint.</summary>
    public static string Display(string? fingerprint) =>
        string.IsNullOrEmpty(fingerprint) ? "—" : $"fp:{fingerprint[..Math.Min(8, fingerprint.Length)]}…";

    public async Task<bool> ReprotectFingerprintKeyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.CredentialKeyMaterial.SingleOrDefaultAsync(k => k.Name == FingerprintKeyName, ct);
        var current = CurrentKeyId;
        if (row is null || row.KeyId == current)
        {
            return false;
        }

        var key = FingerprintKeyProtector.Unprotect(row.Protected);
        row.Protected = FingerprintKeyProtector.Protect(key);
        row.KeyId = KeyIdOf(row.Protected);
        CryptographicOperations.ZeroMemory(key);
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task VerifyKeyRingAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keyRow = await db.CredentialKeyMaterial.AsNoTracking().SingleOrDefaultAsync(k => k.Name == FingerprintKeyName, ct);
        var sample = await db.CredentialSecrets.AsNoTracking()
            .OrderByDescending(s => s.Id)
            .Join(db.CredentialSets, s => s.CredentialSetId, c => c.Id, (s, c) => new
            {
                s.Ciphertext, s.PublicId, c.Id, c.Environment, c.ClientId, c.CustomLoginBaseUrl, c.CustomApiBaseUrl,
                c.CoversMonthlySandbox, c.CustomMonthlyLoginBaseUrl, c.CustomMonthlyApiBaseUrl,
            })
            .FirstOrDefaultAsync(ct);
        try
        {
            if (keyRow is not null)
            {
                CryptographicOperations.ZeroMemory(FingerprintKeyProtector.Unprotect(keyRow.Protected));
            }

            if (sample is not null)
            {
                var binding = SecretBinding.For(sample.Id, sample.Environment.ToString(), sample.ClientId, sample.CustomLoginBaseUrl, sample.CustomApiBaseUrl,
                    sample.CoversMonthlySandbox, sample.CustomMonthlyLoginBaseUrl, sample.CustomMonthlyApiBaseUrl, sample.PublicId);
                try
                {
                    _ = Unprotect(binding, sample.Ciphertext);
                }
                catch (CryptographicException)
                {
                    // Written before destinations were bound and not yet upgraded: the key ring still reads it.
                    _ = UnprotectLegacy(binding, sample.Ciphertext);
                }
            }
        }
        catch (CryptographicException)
        {
            throw new InvalidOperationException(
                "The Data Protection key ring cannot decrypt the credential secrets stored in the database. The keys folder " +
                "(DataProtection:KeysPath) or the certificate that protects it (DataProtection:CertificatePath) is missing or is not " +
                "the one these secrets were saved with. Restore the original key ring and certificate; the app will not start with a " +
                "new key ring, because that would leave every stored secret unreadable.");
        }
    }

    private async Task<byte[]> GetFingerprintKeyAsync(CancellationToken ct)
    {
        if (_fingerprintKey is { } cached)
        {
            return cached;
        }

        await _keyLock.WaitAsync(ct);
        try
        {
            if (_fingerprintKey is not null)
            {
                return _fingerprintKey;
            }

            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var row = await db.CredentialKeyMaterial.AsNoTracking().SingleOrDefaultAsync(k => k.Name == FingerprintKeyName, ct);
            if (row is null)
            {
                var fresh = RandomNumberGenerator.GetBytes(32);
                var payload = FingerprintKeyProtector.Protect(fresh);
                db.CredentialKeyMaterial.Add(new CredentialKeyMaterial
                {
                    Name = FingerprintKeyName,
                    Protected = payload,
                    KeyId = KeyIdOf(payload),
                    CreatedUtc = time.GetUtcNow().UtcDateTime,
                });
                try
                {
                    await db.SaveChangesAsync(ct);
                    return _fingerprintKey = fresh;
                }
                catch (DbUpdateException)
                {
                    // Another instance created it first: use theirs.
                    db.ChangeTracker.Clear();
                    row = await db.CredentialKeyMaterial.AsNoTracking().SingleAsync(k => k.Name == FingerprintKeyName, ct);
                }
            }

            return _fingerprintKey = FingerprintKeyProtector.Unprotect(row.Protected);
        }
        finally
        {
            _keyLock.Release();
        }
    }
}

using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

// The credential registry's surface for other features (Projects, ApiConsole, Maintenance, Rotation).
// Other features never read the credential tables directly; they go through these interfaces.

/// <summary>Which stored secret to use: the current one, or the pending one during a rotation.</summary>
[FeatureContract]
public enum SecretSlot
{
    Current,
    Pending,
}

/// <summary>
/// Where a credential is used: its own environment, or Procore's monthly sandbox, which accepts a production app's client id
/// and secret but has its own login and API hosts, tokens and data.
/// </summary>
[FeatureContract]
public enum CredentialTarget
{
    Primary,
    MonthlySandbox,
}

/// <summary>
/// The Procore client's token-cache key of a stored credential: one per credential, secret slot and target, so the production
/// and monthly-sandbox tokens of one secret never mix. Every place that names a cached token uses this.
/// </summary>
[FeatureContract]
public static class CredentialTokenKeys
{
    public static string For(long credentialId, SecretSlot slot, CredentialTarget target = CredentialTarget.Primary) =>
        target == CredentialTarget.Primary
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{credentialId}:{slot}")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{credentialId}:{slot}:{target}");

    /// <summary>Every key a credential's tokens can be cached under (both slots, both targets).</summary>
    public static IReadOnlyList<string> All(long credentialId) =>
        [.. from slot in Enum.GetValues<SecretSlot>() from target in Enum.GetValues<CredentialTarget>() select For(credentialId, slot, target)];

    /// <summary>Drops every cached token of the credential (after a secret or destination change, retirement or deletion).</summary>
    public static void ForgetAll(IProcoreClient procore, long credentialId)
    {
        foreach (var key in All(credentialId))
        {
            procore.ForgetTokens(key);
        }
    }
}

[FeatureContract]
public sealed record CompanyOption(long ProcoreCompanyId, string Name, ProcoreEnvironment Environment);

[FeatureContract]
public sealed record CredentialOption(
    long CredentialId,
    string Label,
    ProcoreEnvironment Environment,
    string ClientId,
    CredentialStatus Status,
    IReadOnlyList<long> InstalledCompanyIds,
    Uri? CustomLoginBaseUrl = null,
    Uri? CustomApiBaseUrl = null,
    string? LastCheckOutcome = null,
    DateTime? NextRotationDueUtc = null,
    bool CoversMonthlySandbox = false,
    Uri? CustomMonthlyLoginBaseUrl = null,
    Uri? CustomMonthlyApiBaseUrl = null)
{
    /// <summary>The targets this credential can be used in: its own environment, and the monthly sandbox when it covers it.</summary>
    public IReadOnlyList<CredentialTarget> Targets => CoversMonthlySandbox ? [CredentialTarget.Primary, CredentialTarget.MonthlySandbox] : [CredentialTarget.Primary];

    /// <summary>The environment of a target (the monthly sandbox of a Custom set stays Custom, with its own URLs).</summary>
    public ProcoreEnvironment EnvironmentOf(CredentialTarget target) =>
        target == CredentialTarget.MonthlySandbox && Environment != ProcoreEnvironment.Custom ? ProcoreEnvironment.MonthlySandbox : Environment;
}

/// <summary>Rotation facts for one credential (metadata only; reading it never decrypts anything).</summary>
[FeatureContract]
public sealed record CredentialRotationInfo(
    long CredentialId,
    string Label,
    ProcoreEnvironment Environment,
    CredentialStatus Status,
    int RotationIntervalDays,
    DateTime? LastVerifiedRotationUtc,
    DateTime CreatedUtc,
    string? Owners,
    bool HasPendingSecret);

[FeatureContract]
public enum VerificationOutcome
{
    Ok,
    InvalidClient,
    AppNotConnected,
    RateLimited,
    Unreachable,
    SecretUnreadable,
    Failed,
}

[FeatureContract]
public sealed record CompanyCheck(long ProcoreCompanyId, VerificationOutcome Outcome, string Message, int? StatusCode, string? RequestId);

/// <summary>The result of token + /me + /companies (with Procore-Company-Id) for every installed company.</summary>
[FeatureContract]
public sealed record VerificationResult(
    long CredentialId,
    SecretSlot Slot,
    VerificationOutcome Outcome,
    string Summary,
    DateTime CheckedUtc,
    IReadOnlyList<CompanyCheck> Companies,
    IReadOnlyList<long> ExpectedCompanyIds,
    IReadOnlyList<long> ObservedCompanyIds)
{
    /// <summary>Which environment this result is about (a monthly-sandbox result is nested in <see cref="MonthlySandbox"/>).</summary>
    public CredentialTarget Target { get; init; } = CredentialTarget.Primary;

    /// <summary>The same check in the monthly sandbox, when the credential set covers it; null otherwise.</summary>
    public VerificationResult? MonthlySandbox { get; init; }

    public IReadOnlyList<long> MissingCompanyIds => ExpectedCompanyIds.Except(ObservedCompanyIds).ToList();

    public IReadOnlyList<long> UnexpectedCompanyIds => ObservedCompanyIds.Except(ExpectedCompanyIds).ToList();
}

/// <summary>Thrown when a stored secret cannot be decrypted (tampered, copied from another row, key missing). Audited; no call to Procore follows.</summary>
[FeatureContract]
public sealed class CredentialUnreadableException(long credentialId)
    : Exception($"The stored secret of credential {credentialId} cannot be read. It may have been tampered with or the encryption keys are missing.")
{
    public long CredentialId { get; } = credentialId;
}

/// <summary>Read access to the registry. UI callers are checked for the Viewer role; jobs call with no user.</summary>
[FeatureContract]
public interface ICredentialDirectory
{
    Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default);

    /// <summary>Credential sets, optionally only those installed in one Procore company.</summary>
    Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default);

    Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default);

    /// <summary>Rotation facts for every credential that is not retired, in one query (the reminder scan reads this).</summary>
    Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default);

    /// <summary>
    /// The Procore client's view of a stored credential (key "{id}:{slot}"). The secret is decrypted only when the
    /// client needs a token; an unreadable secret throws <see cref="CredentialUnreadableException"/> there and is audited.
    /// </summary>
    ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current);

    /// <summary>As above for one target (the monthly sandbox uses the same stored secret, its own hosts and its own tokens).</summary>
    ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot, CredentialTarget target) =>
        target == CredentialTarget.Primary
            ? ToProcoreCredential(credential, slot)
            : throw new NotSupportedException("This credential directory does not serve the monthly sandbox.");
}

/// <summary>A client id and secret not saved yet (register, replace secret): tested before they are stored.</summary>
[FeatureContract]
public sealed record SecretTestRequest(ProcoreEnvironment Environment, string ClientId, string Secret, Uri? CustomLoginBaseUrl, Uri? CustomApiBaseUrl)
{
    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"SecretTestRequest {{ Environment = {Environment}, ClientId = {ClientId} }}";
}

/// <summary>What Procore's token endpoint said about an unsaved secret, in plain words.</summary>
[FeatureContract]
public sealed record SecretTestResult(VerificationOutcome Outcome, string Message)
{
    public bool Passed => Outcome == VerificationOutcome.Ok;
}

/// <summary>Token + /me + /companies for each installed company; stores the result on the credential (current slot).</summary>
[FeatureContract]
public interface ICredentialVerifier
{
    Task<VerificationResult> VerifyAsync(long credentialId, SecretSlot slot, StaffActor actor, CancellationToken ct = default);

    /// <summary>As above; <paramref name="freshToken"/> mints a new token even when a valid one is cached (the pending slot always does).</summary>
    Task<VerificationResult> VerifyAsync(long credentialId, SecretSlot slot, StaffActor actor, bool freshToken, CancellationToken ct = default) =>
        VerifyAsync(credentialId, slot, actor, ct);
    /// <summary>Asks Procore's token endpoint whether an unsaved client id and secret work. Stores nothing; the token is dropped.</summary>
    Task<SecretTestResult> TestSecretAsync(SecretTestRequest request, CancellationToken ct = default);
}

/// <summary>The secret slots a rotation needs. Every method writes an audit row in the same transaction.</summary>
[FeatureContract]
public interface ICredentialSecretStore
{
    /// <summary>Encrypts <paramref name="secret"/> into the pending slot (replacing an earlier pending one).</summary>
    Task SetPendingSecretAsync(long credentialId, string secret, StaffActor actor, CancellationToken ct = default);

    Task DiscardPendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default);

    /// <summary>
    /// In one transaction: pending becomes current, the old current is retired, status Active, last verified rotation = now.
    /// Throws <see cref="InvalidOperationException"/> when there is no pending secret. The caller drops cached tokens afterwards.
    /// </summary>
    Task PromotePendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default);

    Task SetStatusAsync(long credentialId, CredentialStatus status, string reason, StaffActor actor, CancellationToken ct = default);

    /// <summary>Loads what secret writes need (the fingerprint key) on its own connection; call before opening a unit of work that sets a secret.</summary>
    Task PrepareWritesAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// As <see cref="SetPendingSecretAsync(long, string, StaffActor, CancellationToken)"/>, inside the caller's unit of work (after
    /// <see cref="PrepareWritesAsync"/>, in an open transaction; the caller saves and commits). Returns the new pending secret's
    /// display fingerprint. A store without a database (test doubles) applies at once.
    /// </summary>
    async Task<string?> SetPendingSecretAsync(ProcoreAdmin.Data.AppDbContext db, long credentialId, string secret, StaffActor actor, CancellationToken ct)
    {
        await SetPendingSecretAsync(credentialId, secret, actor, ct);
        return (await GetFingerprintsAsync(credentialId, ct)).Pending;
    }

    /// <summary>
    /// As <see cref="PromotePendingSecretAsync(long, StaffActor, CancellationToken)"/>, inside the caller's unit of work (in an
    /// open transaction; the caller saves and commits). A store without a database (test doubles) applies at once.
    /// </summary>
    Task PromotePendingSecretAsync(ProcoreAdmin.Data.AppDbContext db, long credentialId, StaffActor actor, CancellationToken ct) =>
        PromotePendingSecretAsync(credentialId, actor, ct);

    /// <summary>
    /// As <see cref="DiscardPendingSecretAsync(long, StaffActor, CancellationToken)"/>, inside the caller's unit of work:
    /// the change and its audit row go into <paramref name="db"/> (and its open transaction); the caller saves and commits.
    /// A store without a database (test doubles) applies at once.
    /// </summary>
    Task DiscardPendingSecretAsync(ProcoreAdmin.Data.AppDbContext db, long credentialId, StaffActor actor, CancellationToken ct) =>
        DiscardPendingSecretAsync(credentialId, actor, ct);

    /// <summary>As <see cref="SetStatusAsync(long, CredentialStatus, string, StaffActor, CancellationToken)"/>, inside the caller's unit of work (see above).</summary>
    Task SetStatusAsync(ProcoreAdmin.Data.AppDbContext db, long credentialId, CredentialStatus status, string reason, StaffActor actor, CancellationToken ct) =>
        SetStatusAsync(credentialId, status, reason, actor, ct);

    /// <summary>Keyed fingerprints (never the secret) of the current and pending secrets, for display and evidence.</summary>
    Task<(string? Current, string? Pending)> GetFingerprintsAsync(long credentialId, CancellationToken ct = default);
}

/// <summary>The credential sets a company page lists and installs (Viewer to list, Admin to install). Implemented by the registry's service.</summary>
[FeatureContract]
public interface ICredentialInstallations
{
    Task<IReadOnlyList<CredentialRow>> ListAsync(CancellationToken ct = default);

    /// <summary>Installs a credential set in a company of the same environment; audited in the same transaction.</summary>
    Task<FormResult> InstallAsync(long credentialId, long companyId, CancellationToken ct = default);
}

/// <summary>A maintenance schedule tied to a credential (it works on that credential only).</summary>
[FeatureContract]
public sealed record CredentialConsumer(long ScheduleId, string Title, bool Paused);

/// <summary>What uses a credential besides people: the schedules tied to it. Implemented by the Maintenance feature.</summary>
[FeatureContract]
public interface ICredentialConsumers
{
    Task<IReadOnlyList<CredentialConsumer>> ListAsync(long credentialId, CancellationToken ct = default);
}

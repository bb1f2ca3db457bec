using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>One registered credential in the fake registry; <see cref="ProcoreSecret"/> is what "Procore" accepts.</summary>
public sealed class FakeCredential
{
    public long Id { get; init; }
    public string Label { get; init; } = "Demo app";
    public ProcoreEnvironment Environment { get; init; } = ProcoreEnvironment.Custom;
    public CredentialStatus Status { get; set; } = CredentialStatus.Active;
    public int IntervalDays { get; set; } = 90;
    public DateTime? LastVerifiedRotationUtc { get; set; }
    public DateTime CreatedUtc { get; set; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public string? Owners { get; set; } = "owner@example.test";
    public List<long> Installed { get; set; } = [5000000001, 5000000002];
    public string? Current { get; set; }
    public string? Pending { get; set; }
    public List<string> Retired { get; } = [];
    public string? ProcoreSecret { get; set; }
    public string? LastCheckOutcome { get; set; }
    public bool CoversMonthlySandbox { get; init; }
}

/// <summary>
/// In-memory stand-in for the credential registry contract (issue 4), with fault injection. Its "Procore" accepts
/// <see cref="FakeCredential.ProcoreSecret"/> only, like the real one after a reset.
/// </summary>
public sealed class FakeCredentialRegistry(TimeProvider time) : ICredentialDirectory, ICredentialVerifier, ICredentialSecretStore
{
    private readonly object _gate = new();

    public ConcurrentDictionary<long, FakeCredential> Credentials { get; } = new();
    public int RotationInfoCalls;
    public int Decryptions;
    public List<string> StatusLog { get; } = [];

    /// <summary>Runs before verification answers: throw to simulate a crash, or return a result to simulate Procore 5xx.</summary>
    public Func<long, SecretSlot, VerificationResult?>? VerifyFault { get; set; }

    /// <summary>Thrown by Promote before anything changes (a database failure).</summary>
    public Exception? PromoteFailure { get; set; }

    /// <summary>Thrown by Promote after the change committed (the process dies before the caller records the step).</summary>
    public Exception? PromoteCrashAfterCommit { get; set; }

    public FakeCredential Add(FakeCredential credential)
    {
        Credentials[credential.Id] = credential;
        return credential;
    }

    public Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CompanyOption>>([new(5000000001, "Northwind Builders", ProcoreEnvironment.Custom), new(5000000002, "Contoso", ProcoreEnvironment.Custom)]);

    public Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CredentialOption>>(Credentials.Values.OrderBy(c => c.Id).Select(Option).ToList());

    public Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default) =>
        Task.FromResult(Credentials.TryGetValue(credentialId, out var c) ? Option(c) : null);

    public Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref RotationInfoCalls);
        return Task.FromResult<IReadOnlyList<CredentialRotationInfo>>(Credentials.Values.Where(c => c.Status != CredentialStatus.Retired).OrderBy(c => c.Id)
            .Select(c => new CredentialRotationInfo(c.Id, c.Label, c.Environment, c.Status, c.IntervalDays, c.LastVerifiedRotationUtc, c.CreatedUtc, c.Owners, c.Pending is not null))
            .ToList());
    }

    public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current) =>
        new(CredentialTokenKeys.For(credential.CredentialId, slot), credential.Environment, credential.ClientId, _ =>
        {
            Interlocked.Increment(ref Decryptions);
            var c = Credentials[credential.CredentialId];
            return ValueTask.FromResult((slot == SecretSlot.Current ? c.Current : c.Pending) ?? "");
        }, new Uri("http://127.0.0.1:9/"), new Uri("http://127.0.0.1:9/"));

    public Task<SecretTestResult> TestSecretAsync(SecretTestRequest request, CancellationToken ct = default) =>
        Task.FromResult(new SecretTestResult(VerificationOutcome.Ok, "Token issued (fake)."));

    public Task<VerificationResult> VerifyAsync(long credentialId, SecretSlot slot, StaffActor actor, CancellationToken ct = default)
    {
        var c = Credentials[credentialId];
        var fault = VerifyFault?.Invoke(credentialId, slot);
        if (fault is not null)
        {
            return Task.FromResult(fault);
        }

        Interlocked.Increment(ref Decryptions);
        var secret = slot == SecretSlot.Current ? c.Current : c.Pending;
        var now = time.GetUtcNow().UtcDateTime;
        if (secret is null || secret != c.ProcoreSecret)
        {
            return Task.FromResult(new VerificationResult(credentialId, slot, VerificationOutcome.InvalidClient, "invalid_client: the secret was rejected.", now,
                [], c.Installed, []));
        }

        return Task.FromResult(new VerificationResult(credentialId, slot, VerificationOutcome.Ok, "Token, /me and /companies passed.", now,
            c.Installed.Select(id => new CompanyCheck(id, VerificationOutcome.Ok, "ok", 200, "req-" + id)).ToList(), c.Installed, c.Installed));
    }

    public Task SetPendingSecretAsync(long credentialId, string secret, StaffActor actor, CancellationToken ct = default)
    {
        lock (_gate)
        {
            Credentials[credentialId].Pending = secret;
        }

        return Task.CompletedTask;
    }

    public Task DiscardPendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default)
    {
        lock (_gate)
        {
            Credentials[credentialId].Pending = null;
        }

        return Task.CompletedTask;
    }

    public Task PromotePendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default)
    {
        if (PromoteFailure is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            var c = Credentials[credentialId];
            if (c.Pending is null)
            {
                throw new InvalidOperationException("No pending secret.");
            }

            if (c.Current is not null)
            {
                c.Retired.Add(c.Current);
            }

            c.Current = c.Pending;
            c.Pending = null;
            c.Status = CredentialStatus.Active;
            c.LastVerifiedRotationUtc = time.GetUtcNow().UtcDateTime;
        }

        if (PromoteCrashAfterCommit is { } crash)
        {
            PromoteCrashAfterCommit = null;
            throw crash;
        }

        return Task.CompletedTask;
    }

    public Task SetStatusAsync(long credentialId, CredentialStatus status, string reason, StaffActor actor, CancellationToken ct = default)
    {
        lock (_gate)
        {
            Credentials[credentialId].Status = status;
            StatusLog.Add($"{credentialId}:{status}");
        }

        return Task.CompletedTask;
    }

    // Inside a caller's unit of work the fake applies a change only once the caller's save succeeds, as a database store
    // commits it with the caller's rows: a failing save leaves the fake untouched too.
    public Task<string?> SetPendingSecretAsync(AppDbContext db, long credentialId, string secret, StaffActor actor, CancellationToken ct)
    {
        AfterSave(db, () => SetPendingSecretAsync(credentialId, secret, actor, ct));
        return Task.FromResult(Fingerprint(secret));
    }

    public Task DiscardPendingSecretAsync(AppDbContext db, long credentialId, StaffActor actor, CancellationToken ct)
    {
        AfterSave(db, () => DiscardPendingSecretAsync(credentialId, actor, ct));
        return Task.CompletedTask;
    }

    public Task SetStatusAsync(AppDbContext db, long credentialId, CredentialStatus status, string reason, StaffActor actor, CancellationToken ct)
    {
        AfterSave(db, () => SetStatusAsync(credentialId, status, reason, actor, ct));
        return Task.CompletedTask;
    }

    public Task PromotePendingSecretAsync(AppDbContext db, long credentialId, StaffActor actor, CancellationToken ct)
    {
        // The injected faults keep their meaning: a failure before anything changed, or a crash after the change committed.
        if (PromoteFailure is not null || PromoteCrashAfterCommit is not null)
        {
            return PromotePendingSecretAsync(credentialId, actor, ct);
        }

        if (Credentials[credentialId].Pending is null)
        {
            throw new InvalidOperationException("No pending secret.");
        }

        AfterSave(db, () => PromotePendingSecretAsync(credentialId, actor, ct));
        return Task.CompletedTask;
    }

    private static void AfterSave(AppDbContext db, Func<Task> apply)
    {
        void Apply(object? sender, SavedChangesEventArgs e)
        {
            db.SavedChanges -= Apply;
            apply().GetAwaiter().GetResult();
        }

        db.SavedChanges += Apply;
    }

    public Task<(string? Current, string? Pending)> GetFingerprintsAsync(long credentialId, CancellationToken ct = default)
    {
        var c = Credentials[credentialId];
        return Task.FromResult((Fingerprint(c.Current), Fingerprint(c.Pending)));
    }

    public static string? Fingerprint(string? secret) =>
        secret is null ? null : "fp:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("key|" + secret)))[..16];

    private static CredentialOption Option(FakeCredential c) =>
        new(c.Id, c.Label, c.Environment, $"client-{c.Id}", c.Status, c.Installed, LastCheckOutcome: c.LastCheckOutcome,
            NextRotationDueUtc: (c.LastVerifiedRotationUtc ?? c.CreatedUtc).AddDays(c.IntervalDays), CoversMonthlySandbox: c.CoversMonthlySandbox);
}

/// <summary>A Procore client that only records token evictions (rotation and health tests never call Procore through it).</summary>
public sealed class RecordingProcoreClient : IProcoreClient
{
    public ConcurrentBag<string> Forgotten { get; } = [];
    public Dictionary<string, RateLimitSnapshot> Snapshots { get; } = [];

    public void ForgetTokens(string credentialKey) => Forgotten.Add(credentialKey);

    public RateLimitSnapshot? GetRateLimitSnapshot(string credentialKey) => Snapshots.GetValueOrDefault(credentialKey);

    public Task RevokeAsync(ProcoreCredential credential, CancellationToken ct = default) => Task.CompletedTask;

    public Task<ProcoreMe> GetMeAsync(ProcoreCredential credential, long companyId, CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null) => throw new NotSupportedException();

    public Task<IReadOnlyList<ProcoreCompany>> GetCompaniesAsync(ProcoreCredential credential, long companyId, CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null) => throw new NotSupportedException();

    public Task<ProcorePage<ProcoreProject>> GetProjectsPageAsync(ProcoreCredential credential, long companyId, ProjectQuery query, CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null) => throw new NotSupportedException();

    public IAsyncEnumerable<ProcoreProject> GetAllProjectsAsync(ProcoreCredential credential, long companyId, ProjectQuery query, IProgress<ProcoreProgress>? progress = null, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<ProcoreProject> GetProjectAsync(ProcoreCredential credential, long companyId, long projectId, CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null) => throw new NotSupportedException();

    public Task<ProcorePage<ProcoreCompanyUser>> GetCompanyUsersPageAsync(ProcoreCredential credential, long companyId, PageQuery query, CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null) => throw new NotSupportedException();

    public Task<ProcorePage<ProcoreOffice>> GetOfficesPageAsync(ProcoreCredential credential, long companyId, PageQuery query, CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null) => throw new NotSupportedException();

    public Task<ProcoreRawResponse> SendRawAsync(ProcoreCredential credential, ProcoreRawRequest request, CancellationToken ct = default, IProgress<ProcoreProgress>? progress = null) => throw new NotSupportedException();

    public Task<TokenCheckResult> AcquireTokenAsync(ProcoreCredential credential, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<ProcoreAccessToken> GetAccessTokenAsync(ProcoreCredential credential, CancellationToken ct = default) => throw new NotSupportedException();

    public void InvalidateAccessToken(string credentialKey, string accessToken) => throw new NotSupportedException();
}

/// <summary>Records enqueued jobs instead of running them.</summary>
public sealed class RecordingJobClient : IBackgroundJobClient
{
    public ConcurrentQueue<Job> Created { get; } = new();

    public string Create(Job job, IState state)
    {
        Created.Enqueue(job);
        return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool ChangeState(string jobId, IState state, string expectedState) => false;
}

/// <summary>Records Hangfire recurring-job registrations (id → cron, zone).</summary>
public sealed class RecordingRecurringJobs : IRecurringJobManager
{
    public ConcurrentDictionary<string, (Job Job, string Cron, TimeZoneInfo Zone)> Jobs { get; } = new();

    public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options) =>
        Jobs[recurringJobId] = (job, cronExpression, options.TimeZone);

    public void Trigger(string recurringJobId)
    {
    }

    public void RemoveIfExists(string recurringJobId) => Jobs.TryRemove(recurringJobId, out _);
}

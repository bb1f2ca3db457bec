using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Companies;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;
using ProcoreAdmin.Web.Hosting.Outbound;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>The form model for registering or editing a credential set. <see cref="Secret"/> is write-only.</summary>
public sealed class CredentialInput
{
    [PlainText("Label", CredentialSetConfiguration.LabelMax, Required = true)]
    public string? Label { get; set; }
    public string? Environment { get; set; } = nameof(ProcoreEnvironment.Production);
    [PlainText("Client id", CredentialSetConfiguration.ClientIdMax, Required = true)]
    public string? ClientId { get; set; }

    /// <summary>Required when registering; when editing, empty keeps the stored secret.</summary>
    [ClientSecret]
    public string? Secret { get; set; }
    public string? CustomLoginBaseUrl { get; set; }
    public string? CustomApiBaseUrl { get; set; }

    /// <summary>
    /// A Production set whose client id and secret are also used in Procore's monthly sandbox (which accepts the production
    /// app's credentials). A Custom set may stand in for production with its own monthly-sandbox URLs below.
    /// </summary>
    public bool CoversMonthlySandbox { get; set; }
    public string? CustomMonthlyLoginBaseUrl { get; set; }
    public string? CustomMonthlyApiBaseUrl { get; set; }
    [OwnerEmails(CredentialSetConfiguration.OwnersMax)]
    public string? Owners { get; set; }
    [PlainText("Notes", CredentialSetConfiguration.NotesMax, Multiline = true)]
    public string? Notes { get; set; }
    [System.ComponentModel.DataAnnotations.Range(1, 3650, ErrorMessage = "Rotation interval must be between 1 and 3650 days.")]
    public int RotationIntervalDays { get; set; } = 90;

    /// <summary>Companies (internal ids) to install the credential in; only used when registering.</summary>
    public List<long> CompanyIds { get; set; } = [];

    /// <summary>
    /// Save even though Procore's token endpoint rejected the secret (the explicit choice after a failed test before
    /// save). Recorded in the audit with the reason, and the credential then shows as Failing.
    /// </summary>
    public bool SaveAnyway { get; set; }
}

[FeatureContract]
public sealed record CredentialRow(
    long Id, string Label, ProcoreEnvironment Environment, string ClientId, string? Owners, CredentialStatus Status,
    IReadOnlyList<string> Companies, DateTime? SecretSetUtc, DateTime NextRotationDueUtc, DateTime? LastCheckUtc, string? LastCheckOutcome,
    CredentialHealth Health);

public sealed record SecretVersionView(string Fingerprint, string SetBy, DateTime SetUtc);

public sealed record InstallationView(
    long CompanyId, long ProcoreCompanyId, string CompanyName, string? LastOutcome, string? LastMessage, DateTime? LastCheckUtc, bool? Observed);

public sealed record CredentialDetail(
    long Id, string Label, ProcoreEnvironment Environment, string ClientId, string? CustomLoginBaseUrl, string? CustomApiBaseUrl,
    string? Owners, string? Notes, int RotationIntervalDays, CredentialStatus Status, DateTime CreatedUtc, string? CreatedBy,
    DateTime? LastVerifiedRotationUtc, DateTime NextRotationDueUtc, DateTime? LastCheckUtc, string? LastCheckOutcome, string? LastCheckSummary,
    SecretVersionView? Current, SecretVersionView? Pending, int RetiredSecretCount, IReadOnlyList<InstallationView> Installations,
    IReadOnlyList<long> ObservedCompanyIds, int Version, CredentialHealth Health)
{
    /// <summary>Whether the set is also used in the monthly sandbox, and the last check there.</summary>
    public MonthlySandboxView? MonthlySandbox { get; init; }

    /// <summary>Companies Procore reported that staff did not register as installations (drift).</summary>
    public IReadOnlyList<long> UnexpectedCompanyIds => ObservedCompanyIds.Except(Installations.Select(i => i.ProcoreCompanyId)).ToList();

    public CredentialInput ToInput() => new()
    {
        Label = Label, Environment = Environment.ToString(), ClientId = ClientId, CustomLoginBaseUrl = CustomLoginBaseUrl,
        CustomApiBaseUrl = CustomApiBaseUrl, Owners = Owners, Notes = Notes, RotationIntervalDays = RotationIntervalDays,
        CoversMonthlySandbox = MonthlySandbox is not null,
        CustomMonthlyLoginBaseUrl = MonthlySandbox?.CustomLoginBaseUrl, CustomMonthlyApiBaseUrl = MonthlySandbox?.CustomApiBaseUrl,
    };
}

/// <summary>A credential set's monthly-sandbox target: its hosts and the last check there (null before the first).</summary>
public sealed record MonthlySandboxView(string LoginHost, string ApiHost, string? CustomLoginBaseUrl, string? CustomApiBaseUrl,
    DateTime? LastCheckUtc, string? LastCheckOutcome, string? LastCheckSummary);

/// <summary>
/// The Credentials pages' service. Viewers read; Operators verify; Admins register, edit, replace secrets, change status,
/// install and delete. Every check happens here, whatever the UI shows.
/// </summary>
public sealed class CredentialsService(
    IDbContextFactory<AppDbContext> dbFactory,
    CurrentStaff staff,
    CredentialSecretStore secrets,
    ICredentialVerifier verifier,
    IProcoreClient procore,
    AuditTrail audit,
    TimeProvider time,
    VerifyThrottle? throttle = null,
    OutboundPolicy? outbound = null,
    Microsoft.Extensions.Options.IOptions<ProcoreClientOptions>? clientOptions = null,
    ICredentialConsumers? consumers = null) : ICredentialInstallations
{
    /// <summary>
    /// The maintenance schedules tied to a credential, for the detail page's blast radius. Asked of the
    /// <see cref="ICredentialConsumers"/> contract (the Maintenance feature); without it registered nothing is tied to credentials.
    /// </summary>
    public Task<IReadOnlyList<CredentialConsumer>> ListConsumersAsync(long credentialId, CancellationToken ct = default) =>
        consumers is null ? Task.FromResult<IReadOnlyList<CredentialConsumer>>([]) : consumers.ListAsync(credentialId, ct);

    private readonly VerifyThrottle _throttle = throttle ?? new VerifyThrottle(time);

    /// <summary>
    /// A Custom credential's URLs must pass the outbound policy when saved (https, allowed host, no internal address), and
    /// Custom credentials must be enabled; the refusal is a plain field message and an audit row of the policy.
    /// </summary>
    private async Task<Valid?> CheckDestinationAsync(Valid? v, Dictionary<string, string> errors, CancellationToken ct)
    {
        if (v is null || v.Environment != ProcoreEnvironment.Custom)
        {
            return v;
        }

        if (clientOptions is not null && !clientOptions.Value.AllowCustomEnvironment)
        {
            errors[nameof(CredentialInput.Environment)] =
                "Custom environments are turned off here (ProcoreClient:AllowCustomEnvironment). Choose a Procore environment.";
            return null;
        }

        if (outbound is null)
        {
            return v;
        }

        foreach (var (field, label, url) in new[]
                 {
                     (nameof(CredentialInput.CustomLoginBaseUrl), "Login base URL", v.Login),
                     (nameof(CredentialInput.CustomApiBaseUrl), "API base URL", v.Api),
                     (nameof(CredentialInput.CustomMonthlyLoginBaseUrl), "Monthly sandbox login base URL", v.MonthlyLogin),
                     (nameof(CredentialInput.CustomMonthlyApiBaseUrl), "Monthly sandbox API base URL", v.MonthlyApi),
                 })
        {
            if (url is not null && outbound.CheckUrl(new Uri(url)) is { } reason)
            {
                errors[field] = $"{label} is not allowed by the outbound policy: {reason}.";
                await outbound.RecordRefusalAsync(new Uri(url).IdnHost, reason, ct);
            }
        }

        return errors.Count > 0 ? null : v;
    }

    public async Task<IReadOnlyList<CredentialRow>> ListAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "see credentials");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.CredentialSets.AsNoTracking().OrderBy(c => c.Label)
            .Select(c => new
            {
                c.Id, c.Label, c.Environment, c.ClientId, c.Owners, c.Status, c.CreatedUtc, c.LastVerifiedRotationUtc, c.RotationIntervalDays,
                c.LastCheckUtc, c.LastCheckOutcome,
                Companies = c.Installations.Select(i => i.Company!.Name).ToList(),
                SecretSet = c.Secrets.Where(s => s.State == SecretVersionState.Current).Select(s => (DateTime?)s.CreatedUtc).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return rows.Select(r =>
        {
            var due = CredentialMapping.NextRotationDue(r.LastVerifiedRotationUtc, r.SecretSet, r.CreatedUtc, r.RotationIntervalDays);
            return new CredentialRow(r.Id, r.Label, r.Environment, r.ClientId, r.Owners, r.Status,
                r.Companies, r.SecretSet, due, r.LastCheckUtc, r.LastCheckOutcome, CredentialHealthModel.Of(r.Status, r.LastCheckOutcome, due, now));
        }).ToList();
    }

    /// <summary>The detail view; opening it is audited (metadata reveal), the secret is never part of it.</summary>
    public async Task<CredentialDetail?> GetAsync(long id, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Viewer, "see a credential");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.CredentialSets.AsNoTracking().Include(x => x.Installations).ThenInclude(i => i.Company)
            .SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
        {
            return null;
        }

        var versions = await db.CredentialSecrets.AsNoTracking().Where(s => s.CredentialSetId == id)
            .Select(s => new { s.State, s.Fingerprint, s.CreatedBy, s.CreatedUtc }).ToListAsync(ct);
        SecretVersionView? View(SecretVersionState state) => versions.Where(v => v.State == state)
            .Select(v => new SecretVersionView(SecretProtector.Display(v.Fingerprint), v.CreatedBy, v.CreatedUtc)).FirstOrDefault();
        var current = View(SecretVersionState.Current);
        var observed = (c.LastObservedCompanyIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();

        audit.Add(db, actor, "credential.view", CredentialSecretStore.TargetType, Id(id), AuditOutcomes.Succeeded);
        await db.SaveChangesAsync(ct);

        var nextDue = CredentialMapping.NextRotationDue(c.LastVerifiedRotationUtc, current?.SetUtc, c.CreatedUtc, c.RotationIntervalDays);
        return new CredentialDetail(c.Id, c.Label, c.Environment, c.ClientId, c.CustomLoginBaseUrl, c.CustomApiBaseUrl,
            c.Owners, c.Notes, c.RotationIntervalDays, c.Status, c.CreatedUtc, c.CreatedBy, c.LastVerifiedRotationUtc, nextDue,
            c.LastCheckUtc, c.LastCheckOutcome, c.LastCheckSummary, current, View(SecretVersionState.Pending),
            versions.Count(v => v.State == SecretVersionState.Retired),
            c.Installations.OrderBy(i => i.Company!.Name).Select(i => new InstallationView(i.CompanyId, i.Company!.ProcoreCompanyId, i.Company.Name,
                i.LastOutcome, i.LastMessage, i.LastCheckUtc, i.Observed)).ToList(),
            observed, c.Version, CredentialHealthModel.Of(c.Status, c.LastCheckOutcome, nextDue, time.GetUtcNow().UtcDateTime))
        {
            MonthlySandbox = MonthlyView(c),
        };
    }

    private static MonthlySandboxView? MonthlyView(CredentialSet c)
    {
        if (!c.CoversMonthlySandbox)
        {
            return null;
        }

        var option = CredentialMapping.ToOption(c, []);
        string login, api;
        try
        {
            var hosts = ProcoreHosts.For(option.EnvironmentOf(CredentialTarget.MonthlySandbox), option.CustomMonthlyLoginBaseUrl, option.CustomMonthlyApiBaseUrl);
            (login, api) = (hosts.LoginBaseUrl.GetLeftPart(UriPartial.Authority), hosts.ApiBaseUrl.GetLeftPart(UriPartial.Authority));
        }
        catch (ArgumentException)
        {
            (login, api) = ("none", "none");
        }

        return new MonthlySandboxView(login, api, c.CustomMonthlyLoginBaseUrl, c.CustomMonthlyApiBaseUrl,
            c.MonthlyLastCheckUtc, c.MonthlyLastCheckOutcome, c.MonthlyLastCheckSummary);
    }

    public async Task<FormResult> CreateAsync(CredentialInput input, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "register credentials");
        var result = new FormResult();
        var v = await CheckDestinationAsync(Validate(input, result.Errors, secretRequired: true), result.Errors, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (v is not null && await db.CredentialSets.AnyAsync(c => c.Environment == v.Environment && c.ClientId == v.ClientId, ct))
        {
            result.Errors[nameof(CredentialInput.ClientId)] = $"A credential with this client id already exists in {v.Environment}.";
        }

        var companies = await db.Companies.Where(c => input.CompanyIds.Contains(c.Id)).ToListAsync(ct);
        if (v is not null && (companies.Count != input.CompanyIds.Distinct().Count() || companies.Any(c => c.Environment != v.Environment.ToString() || c.ArchivedUtc != null)))
        {
            result.Errors[nameof(CredentialInput.CompanyIds)] = "Install only in existing, active companies of the same environment.";
        }

        if (v is null || result.Errors.Count > 0)
        {
            await RecordRefusedAsync(actor, "credential.create", null, result, ct);
            return result;
        }

        var test = await TestSecretAsync(v, v.Secret!, ct);
        if (!test.Passed && !input.SaveAnyway)
        {
            return FormResult.SecretTestFailed(test);
        }

        var now = time.GetUtcNow().UtcDateTime;
        await secrets.PrepareAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var credential = new CredentialSet
        {
            Label = v.Label, Environment = v.Environment, ClientId = v.ClientId, CustomLoginBaseUrl = v.Login, CustomApiBaseUrl = v.Api,
            CoversMonthlySandbox = v.Monthly, CustomMonthlyLoginBaseUrl = v.MonthlyLogin, CustomMonthlyApiBaseUrl = v.MonthlyApi,
            Owners = v.Owners, Notes = v.Notes, RotationIntervalDays = input.RotationIntervalDays, Status = CredentialStatus.Active,
            CreatedUtc = now, CreatedBy = AuditTrail.Clean(actor.Name, 200),
        };
        db.CredentialSets.Add(credential);
        await db.SaveChangesAsync(ct); // the id binds the ciphertext, so the row exists before the secret is encrypted
        await secrets.ReplaceCurrentAsync(db, credential, v.Secret!, actor, ct);
        RecordSecretTest(db, actor, credential, test, now);
        foreach (var company in companies)
        {
            db.Installations.Add(new Installation { CredentialSetId = credential.Id, CompanyId = company.Id, CreatedUtc = now });
        }

        audit.Add(db, actor, "credential.create", CredentialSecretStore.TargetType, Id(credential.Id), AuditOutcomes.Succeeded,
            $"{v.Label} ({v.Environment}{(v.Monthly ? " and the monthly sandbox" : "")}, client id {v.ClientId}), installed in {companies.Count} compan{(companies.Count == 1 ? "y" : "ies")}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return FormResult.Success(credential.Id);
    }

    /// <summary>
    /// Edits metadata (and the secret when one is given). Changing the destination (environment, client id, login or API URL)
    /// needs the secret again, drops cached tokens and is audited with the hosts before and after.
    /// </summary>
    public async Task<FormResult> UpdateAsync(long id, CredentialInput input, int version, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "edit credentials");
        var result = new FormResult();
        var v = await CheckDestinationAsync(Validate(input, result.Errors, secretRequired: false), result.Errors, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var credential = await db.CredentialSets.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (credential is null)
        {
            return FormResult.Failure("This credential no longer exists.");
        }

        if (v is not null && await db.CredentialSets.AnyAsync(c => c.Id != id && c.Environment == v.Environment && c.ClientId == v.ClientId, ct))
        {
            result.Errors[nameof(CredentialInput.ClientId)] = $"A credential with this client id already exists in {v.Environment}.";
        }

        var destinationBefore = SecretBinding.DestinationOf(credential.Environment.ToString(), credential.CustomLoginBaseUrl, credential.CustomApiBaseUrl,
            credential.CoversMonthlySandbox, credential.CustomMonthlyLoginBaseUrl, credential.CustomMonthlyApiBaseUrl);
        var destinationAfter = v is null ? destinationBefore : SecretBinding.DestinationOf(v.Environment.ToString(), v.Login, v.Api, v.Monthly, v.MonthlyLogin, v.MonthlyApi);
        var destinationChanged = v is not null && (v.Environment != credential.Environment || v.ClientId != credential.ClientId
            || !string.Equals(destinationBefore, destinationAfter, StringComparison.Ordinal)
            || !string.Equals(credential.CustomLoginBaseUrl, v.Login, StringComparison.Ordinal)
            || !string.Equals(credential.CustomApiBaseUrl, v.Api, StringComparison.Ordinal)
            || v.Monthly != credential.CoversMonthlySandbox
            || !string.Equals(credential.CustomMonthlyLoginBaseUrl, v.MonthlyLogin, StringComparison.Ordinal)
            || !string.Equals(credential.CustomMonthlyApiBaseUrl, v.MonthlyApi, StringComparison.Ordinal));
        if (v is not null && v.Secret is null && destinationChanged)
        {
            // The stored secret is bound to its environment, client id and hosts: it is never sent to a new destination.
            result.Errors[nameof(CredentialInput.Secret)] =
                "Changing the environment, client id, login URL, API URL or the monthly sandbox needs the matching client secret again: a stored secret is only ever sent where it was registered to go.";
        }

        if (v is not null && v.Environment != credential.Environment && await db.Installations.AnyAsync(i => i.CredentialSetId == id, ct))
        {
            result.Errors[nameof(CredentialInput.Environment)] = "Remove the installations before moving the credential to another environment.";
        }

        if (v is null || result.Errors.Count > 0)
        {
            await RecordRefusedAsync(actor, "credential.update", id, result, ct);
            return result;
        }

        if (destinationChanged)
        {
            // Where the secret is sent changes: step-up (a recent sign-in), checked before anything is written.
            await staff.RequireRecentSignInAsync("change where a credential's secret is sent");
        }

        db.Entry(credential).Property(c => c.Version).OriginalValue = version;
        var before = (Environment: credential.Environment.ToString(), credential.ClientId, credential.CustomLoginBaseUrl, credential.CustomApiBaseUrl,
            credential.CoversMonthlySandbox, credential.CustomMonthlyLoginBaseUrl, credential.CustomMonthlyApiBaseUrl);
        var changed = new List<string>();
        void Track(string name, string? before, string? after)
        {
            if (!string.Equals(before, after, StringComparison.Ordinal))
            {
                changed.Add(name);
            }
        }

        Track("label", credential.Label, v.Label);
        Track("environment", credential.Environment.ToString(), v.Environment.ToString());
        Track("client id", credential.ClientId, v.ClientId);
        Track("login URL", credential.CustomLoginBaseUrl, v.Login);
        Track("API URL", credential.CustomApiBaseUrl, v.Api);
        Track("monthly sandbox", credential.CoversMonthlySandbox ? "yes" : "no", v.Monthly ? "yes" : "no");
        Track("monthly sandbox login URL", credential.CustomMonthlyLoginBaseUrl, v.MonthlyLogin);
        Track("monthly sandbox API URL", credential.CustomMonthlyApiBaseUrl, v.MonthlyApi);
        Track("owners", credential.Owners, v.Owners);
        Track("notes", credential.Notes, v.Notes);
        Track("rotation interval", credential.RotationIntervalDays.ToString(CultureInfo.InvariantCulture), input.RotationIntervalDays.ToString(CultureInfo.InvariantCulture));
        credential.Label = v.Label;
        credential.Environment = v.Environment;
        credential.ClientId = v.ClientId;
        credential.CustomLoginBaseUrl = v.Login;
        credential.CustomApiBaseUrl = v.Api;
        credential.CoversMonthlySandbox = v.Monthly;
        credential.CustomMonthlyLoginBaseUrl = v.MonthlyLogin;
        credential.CustomMonthlyApiBaseUrl = v.MonthlyApi;
        if (!v.Monthly)
        {
            credential.MonthlyLastCheckUtc = null;
            credential.MonthlyLastCheckOutcome = null;
            credential.MonthlyLastCheckSummary = null;
        }

        credential.Owners = v.Owners;
        credential.Notes = v.Notes;
        credential.RotationIntervalDays = input.RotationIntervalDays;
        credential.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        credential.Version = version + 1;

        SecretTestResult? test = null;
        if (v.Secret is not null)
        {
            test = await TestSecretAsync(v, v.Secret, ct);
            if (!test.Passed && !input.SaveAnyway)
            {
                return FormResult.SecretTestFailed(test);
            }
        }

        await secrets.PrepareAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            if (v.Secret is not null)
            {
                RecordSecretTest(db, actor, credential, test!, credential.UpdatedUtc.Value);
                // Pending secrets are bound to the old client id; they cannot survive the change.
                await db.CredentialSecrets.Where(s => s.CredentialSetId == id && s.State == SecretVersionState.Pending).ExecuteDeleteAsync(ct);
                await secrets.ReplaceCurrentAsync(db, credential, v.Secret, actor, ct);
                changed.Add("secret");
            }

            audit.Add(db, actor, "credential.update", CredentialSecretStore.TargetType, Id(id), AuditOutcomes.Succeeded,
                changed.Count == 0 ? "No changes" : $"Changed: {string.Join(", ", changed)}");
            if (destinationChanged)
            {
                audit.Add(db, actor, "credential.destination", CredentialSecretStore.TargetType, Id(id), AuditOutcomes.Succeeded,
                    $"Destination changed: {DescribeDestination(before)} → {DescribeDestination((v.Environment.ToString(), v.ClientId, v.Login, v.Api, v.Monthly, v.MonthlyLogin, v.MonthlyApi))}; secret entered again, cached tokens dropped");
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return FormResult.Conflict("credential");
        }

        if (v.Secret is not null || destinationChanged)
        {
            CredentialTokenKeys.ForgetAll(procore, id);
        }

        return FormResult.Success(id);
    }

    /// <summary>Replaces the current secret (e.g. after it was reset in the Developer Portal); the old one is retired.</summary>
    public async Task<FormResult> ReplaceSecretAsync(long id, string? secret, int version, CancellationToken ct = default) =>
        await ReplaceSecretAsync(id, secret, version, saveAnyway: false, ct);

    /// <summary>
    /// Replaces the current secret after testing it at Procore's token endpoint. A failed test saves nothing unless
    /// <paramref name="saveAnyway"/> is the explicit choice; that choice is audited with the reason.
    /// </summary>
    public async Task<FormResult> ReplaceSecretAsync(long id, string? secret, int version, bool saveAnyway, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "replace a secret");
        var result = new FormResult();
        var value = InputRules.Secret(result.Errors, nameof(CredentialInput.Secret), secret, required: true);
        if (result.Errors.Count > 0)
        {
            await RecordRefusedAsync(actor, "credential.replace-secret", id, result, ct);
            return result;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var credential = await db.CredentialSets.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (credential is null)
        {
            return FormResult.Failure("This credential no longer exists.");
        }

        var test = await TestSecretAsync(
            new Valid(credential.Label, credential.Environment, credential.ClientId, value, credential.CustomLoginBaseUrl, credential.CustomApiBaseUrl, null, null,
                credential.CoversMonthlySandbox, credential.CustomMonthlyLoginBaseUrl, credential.CustomMonthlyApiBaseUrl),
            value!, ct);
        if (!test.Passed && !saveAnyway)
        {
            return FormResult.SecretTestFailed(test);
        }

        db.Entry(credential).Property(c => c.Version).OriginalValue = version;
        credential.Version = version + 1;
        credential.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        await secrets.PrepareAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await secrets.ReplaceCurrentAsync(db, credential, value!, actor, ct);
            RecordSecretTest(db, actor, credential, test, credential.UpdatedUtc.Value);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return FormResult.Conflict("credential");
        }

        CredentialTokenKeys.ForgetAll(procore, id);
        return FormResult.Success(id);
    }

    /// <summary>
    /// "Verify now": reuses a valid cached token unless <paramref name="freshToken"/>; at most once per
    /// <see cref="VerifyThrottle.Interval"/> per credential (a throttled call contacts nothing and says when to retry).
    /// </summary>
    public async Task<VerificationResult> VerifyAsync(long id, CancellationToken ct = default, bool freshToken = false)
    {
        var actor = await staff.RequireAsync(StaffRoles.Operator, "verify credentials");
        if (_throttle.TryEnter(id) is { } wait)
        {
            return new VerificationResult(id, SecretSlot.Current, VerificationOutcome.RateLimited,
                $"This credential was checked moments ago; try again in {Math.Ceiling(wait.TotalSeconds):0} s.",
                time.GetUtcNow().UtcDateTime, [], [], []);
        }

        return await verifier.VerifyAsync(id, SecretSlot.Current, actor, freshToken, ct);
    }

    public async Task<FormResult> MarkSuspectedCompromiseAsync(long id, string? reason, CancellationToken ct = default)
    {
        var actor = await staff.RequireRecentAsync(StaffRoles.Admin, "mark a credential as compromised");
        var result = new FormResult();
        var text = InputRules.Text(result.Errors, "Reason", "Reason", reason, 500, required: true);
        if (result.Errors.Count > 0)
        {
            return result;
        }

        await secrets.SetStatusAsync(id, CredentialStatus.SuspectedCompromise, text!, actor, ct);
        return FormResult.Success(id);
    }

    /// <summary>Retires a credential (no checks, reminders or rotations). Undone by <see cref="RestoreAsync"/>.</summary>
    public async Task<FormResult> RetireAsync(long id, string? reason = null, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "retire credentials");
        var errors = new Dictionary<string, string>();
        var text = InputRules.Text(errors, "Reason", "Reason", reason, 500, required: false);
        await secrets.SetStatusAsync(id, CredentialStatus.Retired, text is null ? "Retired by staff" : $"Retired: {text}", actor, ct);
        CredentialTokenKeys.ForgetAll(procore, id);
        return FormResult.Success(id);
    }

    /// <summary>Undoes a retirement (Admin, audited): the credential is Active again and checked by the next health check.</summary>
    public async Task<FormResult> RestoreAsync(long id, string? reason = null, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "restore retired credentials");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var status = await db.CredentialSets.Where(c => c.Id == id).Select(c => (CredentialStatus?)c.Status).SingleOrDefaultAsync(ct);
            if (status is null)
            {
                return FormResult.Failure("This credential no longer exists.");
            }

            if (status != CredentialStatus.Retired)
            {
                return FormResult.Failure("Only a retired credential can be restored.");
            }
        }

        var errors = new Dictionary<string, string>();
        var text = InputRules.Text(errors, "Reason", "Reason", reason, 500, required: false);
        await secrets.SetStatusAsync(id, CredentialStatus.Active, text is null ? "Restored from retirement" : $"Restored from retirement: {text}", actor, ct);
        return FormResult.Success(id);
    }

    /// <summary>Deletes the credential, its secret versions and installations. <paramref name="typedLabel"/> must equal its label.</summary>
    public async Task<FormResult> DeleteAsync(long id, string? typedLabel, CancellationToken ct = default)
    {
        var actor = await staff.RequireRecentAsync(StaffRoles.Admin, "delete credentials");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var credential = await db.CredentialSets.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (credential is null)
        {
            return FormResult.Failure("This credential no longer exists.");
        }

        if (!string.Equals(typedLabel?.Trim(), credential.Label, StringComparison.Ordinal))
        {
            var failed = new FormResult();
            failed.Errors["ConfirmLabel"] = "Type the credential's label exactly to confirm.";
            return failed;
        }

        db.CredentialSets.Remove(credential);
        audit.Add(db, actor, "credential.delete", CredentialSecretStore.TargetType, Id(id), AuditOutcomes.Succeeded,
            $"{credential.Label} ({credential.Environment}, client id {credential.ClientId})");
        await db.SaveChangesAsync(ct);
        CredentialTokenKeys.ForgetAll(procore, id);
        return FormResult.Success(id);
    }

    public async Task<FormResult> InstallAsync(long credentialId, long companyId, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "install credentials");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var credential = await db.CredentialSets.AsNoTracking().SingleOrDefaultAsync(c => c.Id == credentialId, ct);
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == companyId, ct);
        if (credential is null || company is null || company.ArchivedUtc is not null)
        {
            return FormResult.Failure("The credential or company does not exist (or the company is archived).");
        }

        if (credential.Environment.ToString() != company.Environment)
        {
            return FormResult.Failure($"The credential is for {credential.Environment} but the company is in {company.Environment}.");
        }

        if (await db.Installations.AnyAsync(i => i.CredentialSetId == credentialId && i.CompanyId == companyId, ct))
        {
            return FormResult.Failure("The credential is already installed in this company.");
        }

        db.Installations.Add(new Installation { CredentialSetId = credentialId, CompanyId = companyId, CreatedUtc = time.GetUtcNow().UtcDateTime });
        audit.Add(db, actor, "credential.install", CredentialSecretStore.TargetType, Id(credentialId), AuditOutcomes.Succeeded,
            $"Installed in company {company.ProcoreCompanyId} ({company.Name})");
        await db.SaveChangesAsync(ct);
        return FormResult.Success(credentialId);
    }

    public async Task<FormResult> UninstallAsync(long credentialId, long companyId, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Admin, "remove installations");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.Installations.Where(i => i.CredentialSetId == credentialId && i.CompanyId == companyId).ExecuteDeleteAsync(ct);
        audit.Add(db, actor, "credential.uninstall", CredentialSecretStore.TargetType, Id(credentialId), removed == 0 ? AuditOutcomes.Failed : AuditOutcomes.Succeeded,
            $"Company #{companyId}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return removed == 0 ? FormResult.Failure("That installation does not exist.") : FormResult.Success(credentialId);
    }

    /// <summary>Active companies of one environment, for the install pickers.</summary>
    public async Task<IReadOnlyList<Company>> CompaniesForAsync(ProcoreEnvironment? environment, CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "see companies");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Companies.AsNoTracking().Where(c => c.ArchivedUtc == null);
        if (environment is { } env)
        {
            var name = env.ToString();
            query = query.Where(c => c.Environment == name);
        }

        return await query.OrderBy(c => c.Name).ToListAsync(ct);
    }

    private async Task<SecretTestResult> TestSecretAsync(Valid v, string secret, CancellationToken ct)
    {
        var environment = v.Environment;
        return await verifier.TestSecretAsync(new SecretTestRequest(environment, v.ClientId, secret,
            v.Login is null ? null : new Uri(v.Login), v.Api is null ? null : new Uri(v.Api)), ct);
    }

    /// <summary>
    /// The test result becomes the credential's last check (so a rejected secret shows as Failing at once, and a new
    /// working secret clears an old failure); saving after a failed test is audited with Procore's reason.
    /// </summary>
    private void RecordSecretTest(AppDbContext db, StaffActor actor, CredentialSet credential, SecretTestResult test, DateTime now)
    {
        credential.LastCheckUtc = now;
        credential.LastCheckOutcome = test.Outcome.ToString();
        credential.LastCheckSummary = test.Passed
            ? "Procore issued a token when the secret was saved; the installed companies are checked by Verify now or the health check."
            : $"Saved although the test before save failed: {test.Message}";
        if (!test.Passed)
        {
            audit.Add(db, actor, "credential.save-anyway", CredentialSecretStore.TargetType, Id(credential.Id), AuditOutcomes.Failed,
                $"Secret saved although Procore's token endpoint rejected it: {test.Message}");
        }
    }

    private sealed record Valid(string Label, ProcoreEnvironment Environment, string ClientId, string? Secret, string? Login, string? Api, string? Owners, string? Notes,
        bool Monthly = false, string? MonthlyLogin = null, string? MonthlyApi = null);

    private static Valid? Validate(CredentialInput input, Dictionary<string, string> errors, bool secretRequired)
    {
        // The field rules are the model's DataAnnotations (the same attributes the rotation engine's inputs carry); the
        // environment, the custom URLs (required only for Custom) and the monthly sandbox depend on other fields.
        InputValidator.AddTo(errors, input);
        var label = Trimmed(input.Label);
        var env = InputRules.Environment(errors, nameof(CredentialInput.Environment), input.Environment);
        var clientId = Trimmed(input.ClientId);
        if (clientId is not null && !errors.ContainsKey(nameof(CredentialInput.ClientId)) && clientId.Any(char.IsWhiteSpace))
        {
            errors[nameof(CredentialInput.ClientId)] = "Client id must not contain spaces.";
        }

        if (secretRequired)
        {
            InputRules.Secret(errors, nameof(CredentialInput.Secret), input.Secret, required: true);
        }

        var secret = string.IsNullOrEmpty(input.Secret) ? null : input.Secret;
        Uri? login = null, api = null;
        if (env == ProcoreEnvironment.Custom)
        {
            login = InputRules.BaseUrl(errors, nameof(CredentialInput.CustomLoginBaseUrl), "Login base URL", input.CustomLoginBaseUrl);
            api = InputRules.BaseUrl(errors, nameof(CredentialInput.CustomApiBaseUrl), "API base URL", input.CustomApiBaseUrl);
        }

        Uri? monthlyLogin = null, monthlyApi = null;
        if (input.CoversMonthlySandbox)
        {
            // The monthly sandbox accepts the credentials of a production app only; developer-sandbox, federal and
            // monthly-sandbox sets have no second environment. A Custom set (a simulator or proxy standing in for production)
            // names the monthly sandbox's URLs itself.
            if (env is not (ProcoreEnvironment.Production or ProcoreEnvironment.Custom))
            {
                errors[nameof(CredentialInput.CoversMonthlySandbox)] =
                    "Only a Production credential set can also cover the monthly sandbox: it accepts the production app's client id and secret. A developer sandbox keeps its own credentials.";
            }
            else if (env == ProcoreEnvironment.Custom)
            {
                monthlyLogin = InputRules.BaseUrl(errors, nameof(CredentialInput.CustomMonthlyLoginBaseUrl), "Monthly sandbox login base URL", input.CustomMonthlyLoginBaseUrl);
                monthlyApi = InputRules.BaseUrl(errors, nameof(CredentialInput.CustomMonthlyApiBaseUrl), "Monthly sandbox API base URL", input.CustomMonthlyApiBaseUrl);
                if (monthlyLogin is not null && login is not null && SameBase(monthlyLogin, login))
                {
                    errors[nameof(CredentialInput.CustomMonthlyLoginBaseUrl)] = "The monthly sandbox has a login host of its own: it cannot be the production login base URL.";
                }

                if (monthlyApi is not null && api is not null && SameBase(monthlyApi, api))
                {
                    errors[nameof(CredentialInput.CustomMonthlyApiBaseUrl)] = "The monthly sandbox has an API host of its own: it cannot be the production API base URL.";
                }
            }
        }

        // Validated above; this only normalises the addresses ("a@x.com, b@y.org", duplicates removed).
        var owners = InputRules.Owners([], nameof(CredentialInput.Owners), input.Owners, CredentialSetConfiguration.OwnersMax);
        var notes = Trimmed(input.Notes);
        return errors.Count > 0 ? null : new Valid(label!, env!.Value, clientId!, secret, login?.ToString(), api?.ToString(), owners, notes,
            input.CoversMonthlySandbox, monthlyLogin?.ToString(), monthlyApi?.ToString());
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool SameBase(Uri a, Uri b) =>
        string.Equals(SecretBinding.DestinationOf(nameof(ProcoreEnvironment.Custom), a.ToString(), null),
            SecretBinding.DestinationOf(nameof(ProcoreEnvironment.Custom), b.ToString(), null), StringComparison.Ordinal);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Environment, client id and the login/API hosts a secret may go to (host names only; never a secret).</summary>
    private static string DescribeDestination((string Environment, string ClientId, string? Login, string? Api, bool Monthly, string? MonthlyLogin, string? MonthlyApi) d)
    {
        var primary = DescribeDestination((d.Environment, d.ClientId, d.Login, d.Api));
        if (!d.Monthly)
        {
            return primary;
        }

        var monthlyEnvironment = d.Environment == nameof(ProcoreEnvironment.Custom) ? d.Environment : nameof(ProcoreEnvironment.MonthlySandbox);
        var monthly = DescribeDestination((monthlyEnvironment, d.ClientId, d.MonthlyLogin, d.MonthlyApi));
        return $"{primary}; also the monthly sandbox ({monthly[(monthly.IndexOf(", login ", StringComparison.Ordinal) + 2)..]})";
    }

    private static string DescribeDestination((string Environment, string ClientId, string? Login, string? Api) d)
    {
        var env = CredentialMapping.ParseEnvironment(d.Environment);
        string login, api;
        try
        {
            var hosts = ProcoreHosts.For(env, d.Login is null ? null : new Uri(d.Login), d.Api is null ? null : new Uri(d.Api));
            (login, api) = (hosts.LoginBaseUrl.GetLeftPart(UriPartial.Authority), hosts.ApiBaseUrl.GetLeftPart(UriPartial.Authority));
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException)
        {
            (login, api) = (d.Login ?? "none", d.Api ?? "none");
        }

        return $"{d.Environment}, client id {d.ClientId}, login {login}, API {api}";
    }

    /// <summary>A refused secret-bearing change is audited with the names of the rejected fields only (never their values).</summary>
    private Task RecordRefusedAsync(StaffActor actor, string action, long? id, FormResult result, CancellationToken ct) =>
        audit.RecordAsync(actor, action, CredentialSecretStore.TargetType, id is null ? null : Id(id.Value), AuditOutcomes.Refused,
            $"Refused by validation: {string.Join(", ", result.Errors.Keys.Order(StringComparer.Ordinal))}", ct);
}

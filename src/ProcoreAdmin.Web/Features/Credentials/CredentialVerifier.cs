using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// "Verify now": a token (the cached one unless a fresh one is asked for), then <c>/rest/v1.0/me</c> and <c>/rest/v1.0/companies</c> with <c>Procore-Company-Id</c> for each
/// installed company. Stores the result (current slot) on the credential and its installations, and audits it.
/// An unreadable secret fails closed: no request reaches Procore.
/// </summary>
public sealed partial class CredentialVerifier(
    IDbContextFactory<AppDbContext> dbFactory,
    IProcoreClient procore,
    CredentialSecretStore secrets,
    AuditTrail audit,
    TimeProvider time,
    ILogger<CredentialVerifier> logger) : ICredentialVerifier
{
    public Task<VerificationResult> VerifyAsync(long credentialId, SecretSlot slot, StaffActor actor, CancellationToken ct = default) =>
        VerifyAsync(credentialId, slot, actor, freshToken: false, ct);

    public async Task<VerificationResult> VerifyAsync(long credentialId, SecretSlot slot, StaffActor actor, bool freshToken, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var credential = await db.CredentialSets.Include(c => c.Installations).ThenInclude(i => i.Company)
                             .SingleOrDefaultAsync(c => c.Id == credentialId, ct)
                         ?? throw new KeyNotFoundException($"Credential {credentialId} does not exist.");
        var expected = credential.Installations.Select(i => i.Company!.ProcoreCompanyId).Distinct().OrderBy(id => id).ToList();
        var option = CredentialMapping.ToOption(credential, expected);

        var primary = await CheckTargetAsync(option, slot, CredentialTarget.Primary, expected, freshToken, ct);
        VerificationResult? monthly = null;
        if (option.CoversMonthlySandbox)
        {
            // The monthly sandbox accepts the same client id and secret at its own hosts, with its own tokens; it is a copy of
            // production refreshed monthly, so the same companies are expected there.
            monthly = await CheckTargetAsync(option, slot, CredentialTarget.MonthlySandbox, expected, freshToken, ct);
        }

        var result = primary with { MonthlySandbox = monthly };
        var (overall, summary, checks, observed) = (primary.Outcome, primary.Summary, primary.Companies, primary.ObservedCompanyIds);
        var now = primary.CheckedUtc;
        if (slot == SecretSlot.Current)
        {
            credential.LastCheckUtc = now;
            credential.LastCheckOutcome = overall.ToString();
            credential.LastCheckSummary = AuditTrail.Clean(summary, 2000);
            credential.LastObservedCompanyIds = AuditTrail.Clean(string.Join(',', observed.Select(id => id.ToString(CultureInfo.InvariantCulture))), 2000);
            foreach (var installation in credential.Installations)
            {
                var check = checks.FirstOrDefault(c => c.ProcoreCompanyId == installation.Company!.ProcoreCompanyId);
                installation.LastCheckUtc = now;
                installation.LastOutcome = check?.Outcome.ToString();
                installation.LastMessage = AuditTrail.Clean(check?.Message, 500);
                installation.Observed = overall is VerificationOutcome.SecretUnreadable or VerificationOutcome.InvalidClient ? null : observed.Contains(installation.Company!.ProcoreCompanyId);
            }

            if (monthly is not null)
            {
                credential.MonthlyLastCheckUtc = monthly.CheckedUtc;
                credential.MonthlyLastCheckOutcome = monthly.Outcome.ToString();
                credential.MonthlyLastCheckSummary = AuditTrail.Clean(monthly.Summary, 2000);
            }
        }

        var succeeded = overall == VerificationOutcome.Ok && (monthly is null || monthly.Outcome == VerificationOutcome.Ok);
        audit.Add(db, actor, "credential.verify", CredentialSecretStore.TargetType, credentialId.ToString(CultureInfo.InvariantCulture),
            succeeded ? AuditOutcomes.Succeeded : AuditOutcomes.Failed,
            $"{slot}: {overall}. {summary}" + (monthly is null ? "" : $" Monthly sandbox: {monthly.Outcome}. {monthly.Summary}"));
        await db.SaveChangesAsync(ct);
        LogVerified(logger, credentialId, slot, overall);
        if (monthly is not null)
        {
            LogVerifiedMonthly(logger, credentialId, slot, monthly.Outcome);
        }

        return result;
    }

    /// <summary>Token + /me + /companies for each expected company in one target; never writes anything.</summary>
    private async Task<VerificationResult> CheckTargetAsync(CredentialOption option, SecretSlot slot, CredentialTarget target,
        List<long> expected, bool freshToken, CancellationToken ct)
    {
        var checks = new List<CompanyCheck>();
        var observed = new SortedSet<long>();
        VerificationOutcome overall;
        string summary;
        try
        {
            var client = CredentialMapping.ToProcoreCredential(option, slot, target, secrets);

            // A valid cached token is reused (the API calls below fetch one when none is cached); a new one is minted only
            // when asked for, for a pending secret (it must prove itself), or when no company call would need a token.
            if (freshToken || slot == SecretSlot.Pending || expected.Count == 0)
            {
                await procore.AcquireTokenAsync(client, ct);
            }

            foreach (var companyId in expected)
            {
                checks.Add(await CheckCompanyAsync(client, companyId, observed, ct));
            }

            var failed = checks.FirstOrDefault(c => c.Outcome != VerificationOutcome.Ok);
            overall = failed?.Outcome ?? VerificationOutcome.Ok;
            summary = expected.Count == 0
                ? "Token issued. Install the credential in a company to check API access (every call needs Procore-Company-Id)."
                : failed is null
                    ? $"Token valid; /me and /companies answered for all {expected.Count} installed compan{(expected.Count == 1 ? "y" : "ies")}."
                    : $"Token valid; company {failed.ProcoreCompanyId}: {failed.Message}";
        }
        catch (ProcoreApiException ex)
        {
            overall = Map(ex.Kind);
            summary = Describe(overall, ex);
            if (target == CredentialTarget.MonthlySandbox && overall == VerificationOutcome.InvalidClient)
            {
                summary = MonthlySandboxRefusedSummary;
            }

            checks.AddRange(expected.Select(id => new CompanyCheck(id, overall, summary, ex.StatusCode, ex.RequestId)));
        }
        catch (CredentialUnreadableException)
        {
            overall = VerificationOutcome.SecretUnreadable;
            summary = Describe(overall, null);
            checks.AddRange(expected.Select(id => new CompanyCheck(id, overall, summary, null, null)));
        }
        catch (ArgumentException)
        {
            overall = VerificationOutcome.Failed;
            summary = target == CredentialTarget.MonthlySandbox
                ? "The credential's monthly sandbox login or API base URL is missing or invalid. Edit the credential."
                : "The credential's Custom login or API base URL is missing or invalid. Edit the credential.";
        }

        return new VerificationResult(option.CredentialId, slot, overall, summary, time.GetUtcNow().UtcDateTime, checks, expected, observed.ToList())
        {
            Target = target,
        };
    }

    /// <summary>
    /// The monthly sandbox refused the secret. After a reset in the Developer Portal it follows production only when it picks
    /// the new secret up (at the latest at its next monthly refresh), so this is said plainly rather than as a plain failure.
    /// </summary>
    public const string MonthlySandboxRefusedSummary =
        "The monthly sandbox refused this client id and secret. If the secret was just reset in the Developer Portal, the monthly sandbox has not picked up the new secret yet (at the latest it does at its next monthly refresh); check again later. Otherwise the app may not be installed there yet.";

    public async Task<SecretTestResult> TestSecretAsync(SecretTestRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = $"secret-test:{Guid.NewGuid():N}";
        var client = new ProcoreCredential(key, request.Environment, request.ClientId, _ => ValueTask.FromResult(request.Secret),
            request.CustomLoginBaseUrl, request.CustomApiBaseUrl);
        try
        {
            await procore.AcquireTokenAsync(client, ct);
            return new SecretTestResult(VerificationOutcome.Ok, "Procore issued a token for this client id and secret.");
        }
        catch (ProcoreApiException ex)
        {
            var outcome = Map(ex.Kind);
            return new SecretTestResult(outcome, Describe(outcome, ex));
        }
        catch (ArgumentException)
        {
            return new SecretTestResult(VerificationOutcome.Failed, "The Custom login or API base URL is missing or invalid.");
        }
        finally
        {
            procore.ForgetTokens(key);
        }
    }

    private async Task<CompanyCheck> CheckCompanyAsync(ProcoreCredential client, long companyId, SortedSet<long> observed, CancellationToken ct)
    {
        try
        {
            var me = await procore.GetMeAsync(client, companyId, ct);
            var companies = await procore.GetCompaniesAsync(client, companyId, ct);
            observed.UnionWith(companies.Select(c => c.Id));
            return new CompanyCheck(companyId, VerificationOutcome.Ok, $"Signed in as {me.Name ?? me.Login ?? "service account"}; sees {companies.Count} compan{(companies.Count == 1 ? "y" : "ies")}.", 200, null);
        }
        catch (ProcoreApiException ex)
        {
            var outcome = Map(ex.Kind);
            return new CompanyCheck(companyId, outcome, Describe(outcome, ex), ex.StatusCode, ex.RequestId);
        }
    }

    public static VerificationOutcome Map(ProcoreErrorKind kind) => kind switch
    {
        ProcoreErrorKind.InvalidClient or ProcoreErrorKind.TokenRequestRejected => VerificationOutcome.InvalidClient,
        ProcoreErrorKind.AppNotConnected or ProcoreErrorKind.Forbidden => VerificationOutcome.AppNotConnected,
        ProcoreErrorKind.RateLimited => VerificationOutcome.RateLimited,
        ProcoreErrorKind.Unreachable or ProcoreErrorKind.Timeout or ProcoreErrorKind.ServerError => VerificationOutcome.Unreachable,
        ProcoreErrorKind.SecretUnavailable => VerificationOutcome.SecretUnreadable,
        _ => VerificationOutcome.Failed,
    };

    private static string Describe(VerificationOutcome outcome, ProcoreApiException? ex) => outcome switch
    {
        VerificationOutcome.InvalidClient => "Invalid client: Procore rejected the client id or secret.",
        VerificationOutcome.AppNotConnected => "App not connected: the app is not installed in this company.",
        VerificationOutcome.RateLimited => $"Rate limited by Procore{(ex?.RetryAfter is { } wait ? $"; try again in {Math.Ceiling(wait.TotalSeconds)} s" : "")}.",
        VerificationOutcome.Unreachable => $"Procore unreachable: {ex?.Explanation}",
        VerificationOutcome.SecretUnreadable => "The stored secret is unreadable (tampered, copied from another credential, or keys missing). Nothing was sent to Procore; replace the secret.",
        _ => ex is null ? "Verification failed." : $"Failed: {ex.Explanation}",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Verified credential {CredentialId} ({Slot}) in the monthly sandbox: {Outcome}")]
    private static partial void LogVerifiedMonthly(ILogger logger, long credentialId, SecretSlot slot, VerificationOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Verified credential {CredentialId} ({Slot}): {Outcome}")]
    private static partial void LogVerified(ILogger logger, long credentialId, SecretSlot slot, VerificationOutcome outcome);
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Maintenance;

[FeatureContract]
public sealed record HealthCheckView(long CredentialId, DateTime CheckedUtc, bool Ok, string Outcome, string? Summary, string? MissingCompanyIds, string? UnexpectedCompanyIds);

/// <summary>
/// For each active credential set: token + <c>/me</c> + <c>/companies</c> with <c>Procore-Company-Id</c> for every installed
/// company (through <see cref="ICredentialVerifier"/>), recorded with the installed-company drift. Stops when the last seen
/// <c>X-Rate-Limit-Remaining</c> of a credential is below the reserve. A failing credential raises a "failing" alert
/// (distinct from "rotation due"), once per credential per day.
/// </summary>
public sealed partial class CheckCredentialHealthJob(
    ICredentialDirectory directory,
    ICredentialVerifier verifier,
    IProcoreClient procore,
    IDbContextFactory<AppDbContext> dbFactory,
    INotificationPublisher notifications,
    TimeProvider time,
    ILogger<CheckCredentialHealthJob> logger)
{
    /// <summary>Requests kept in reserve per credential (a check needs about 2 + installed companies).</summary>
    public const int RateLimitReserve = 20;

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var credentials = await directory.ListCredentialsAsync(null, cancellationToken);
        int ok = 0, failing = 0, skipped = 0;
        foreach (var credential in credentials)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (credential.Status is CredentialStatus.Retired or CredentialStatus.Rotating)
            {
                skipped++;
                continue;
            }

            var snapshot = procore.GetRateLimitSnapshot(directory.ToProcoreCredential(credential).Key);
            if (snapshot is { Remaining: { } remaining } && (snapshot.ResetAt is null || snapshot.ResetAt > time.GetUtcNow())
                && remaining < RateLimitReserve + credential.InstalledCompanyIds.Count + 2)
            {
                skipped++;
                LogBudget(logger, credential.CredentialId, remaining);
                continue;
            }

            VerificationResult result;
            try
            {
                result = await verifier.VerifyAsync(credential.CredentialId, SecretSlot.Current, StaffActor.System, cancellationToken);
            }
            catch (CredentialUnreadableException)
            {
                result = new VerificationResult(credential.CredentialId, SecretSlot.Current, VerificationOutcome.SecretUnreadable,
                    "The stored secret cannot be read.", time.GetUtcNow().UtcDateTime, [], credential.InstalledCompanyIds, []);
            }

            var healthy = result.Outcome == VerificationOutcome.Ok && result.MissingCompanyIds.Count == 0;
            await RecordAsync(result, healthy, cancellationToken);
            if (healthy)
            {
                ok++;
            }
            else
            {
                failing++;
                var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                // The same words as the credential's chip: the notification says what the pages will show.
                var health = CredentialHealthModel.Of(credential.Status, result.Outcome.ToString(), credential.NextRotationDueUtc, time.GetUtcNow().UtcDateTime);
                var word = health is CredentialHealth.Healthy or CredentialHealth.RotationDue ? "health check failed" : CredentialHealthModel.Text(health);
                await notifications.RaiseAsync(new NotificationDraft("health-failing", NotificationSeverity.Error,
                    $"{credential.Label}: {word}",
                    $"Health check of credential set \"{credential.Label}\" ({credential.Environment}) failed: {CredentialDisplay.OutcomeText(result.Outcome.ToString())}. " +
                    $"{WithMonthly(result)}" + (result.MissingCompanyIds.Count > 0 ? $" Installed companies Procore did not report: {string.Join(", ", result.MissingCompanyIds)}." : ""),
                    credential.CredentialId, DedupKey: $"health-failing:{credential.CredentialId}:{day}"), cancellationToken);
            }
        }

        return $"Checked {ok + failing} credential set(s): {ok} ok, {failing} failing, {skipped} skipped.";
    }

    private async Task RecordAsync(VerificationResult result, bool healthy, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.CredentialHealthChecks.Add(new CredentialHealthCheck
        {
            CredentialId = result.CredentialId,
            CheckedUtc = time.GetUtcNow().UtcDateTime,
            Ok = healthy,
            Outcome = result.Outcome.ToString(),
            Summary = WithMonthly(result) is { Length: > 1000 } summary ? summary[..1000] : WithMonthly(result),
            MissingCompanyIds = Join(result.MissingCompanyIds),
            UnexpectedCompanyIds = Join(result.UnexpectedCompanyIds),
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The latest check of every credential (dashboard, credential pages).</summary>
    public static async Task<IReadOnlyList<HealthCheckView>> LatestAsync(IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CredentialHealthChecks.AsNoTracking()
            .Where(h => h.Id == db.CredentialHealthChecks.Where(x => x.CredentialId == h.CredentialId).Max(x => x.Id))
            .Select(h => new HealthCheckView(h.CredentialId, h.CheckedUtc, h.Ok, h.Outcome, h.Summary, h.MissingCompanyIds, h.UnexpectedCompanyIds))
            .ToListAsync(ct);
    }

    /// <summary>The summary with the monthly sandbox's result, for a set that covers it (its tokens and hosts are its own).</summary>
    private static string WithMonthly(VerificationResult result) => result.MonthlySandbox is { } m
        ? $"{result.Summary} Monthly sandbox: {CredentialDisplay.OutcomeText(m.Outcome.ToString())}. {m.Summary}"
        : result.Summary;

    private static string? Join(IReadOnlyList<long> ids) => ids.Count == 0 ? null : string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check of credential {CredentialId} skipped: rate-limit remaining {Remaining} is below the reserve")]
    private static partial void LogBudget(ILogger logger, long credentialId, long remaining);
}

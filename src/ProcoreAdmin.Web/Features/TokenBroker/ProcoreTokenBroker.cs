using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.TokenBroker;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Rotation;

namespace ProcoreAdmin.Web.Features.TokenBroker;

/// <summary>
/// Hands Procore access tokens to granted machine clients. Tokens come from the Procore client's single-flight cache (the
/// one the dashboard uses), so N consumers cost one Procore token request per token lifetime. While a rotation sits
/// between "reset in Procore" and "promote" requests wait (bounded) and are answered with the new secret's token as soon
/// as it is promoted. Every issuance and refusal is audited with a keyed fingerprint of the token, never the token.
/// </summary>
public sealed partial class ProcoreTokenBroker(
    IDbContextFactory<AppDbContext> dbFactory,
    ICredentialDirectory directory,
    IProcoreClient procore,
    IRotationStateReader rotations,
    RotationGate gate,
    ISecretProtector protector,
    AuditTrail audit,
    TimeProvider time,
    IOptions<TokenBrokerOptions> options,
    ILogger<ProcoreTokenBroker> logger)
{
    public const string IssuedAction = "broker.token-issued";
    public const string RefusedAction = "broker.token-refused";

    public async Task<BrokerOutcome> IssueAsync(MachineClient client, ProcoreTokenRequest request, CancellationToken ct)
    {
        if (request.CompanyId <= 0)
        {
            return BrokerOutcome.Refused(StatusCodes.Status400BadRequest, "company_id is required",
                "Send the Procore company id the token is for, e.g. {\"company_id\": 5000000001}.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        List<(long GrantId, long CredentialId)> grants;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            grants = (await db.BrokerGrants.AsNoTracking()
                    .Where(g => g.MachineClientId == client.ClientId && g.RevokedUtc == null && (g.ExpiresUtc == null || g.ExpiresUtc > now)
                        && g.Companies.Any(c => c.ProcoreCompanyId == request.CompanyId)
                        && (request.CredentialId == null || g.CredentialSetId == request.CredentialId))
                    .OrderBy(g => g.Id)
                    .Select(g => new { g.Id, g.CredentialSetId })
                    .ToListAsync(ct))
                .Select(g => (g.Id, g.CredentialSetId)).ToList();
        }

        if (grants.Count == 0)
        {
            return await RefuseAsync(client, request, null, StatusCodes.Status403Forbidden, "Not granted",
                $"This client has no active grant for company {Id(request.CompanyId)}" + (request.CredentialId is { } c ? $" on credential set {Id(c)}." : "."));
        }

        if (grants.Select(g => g.CredentialId).Distinct().Count() > 1)
        {
            return BrokerOutcome.Refused(StatusCodes.Status409Conflict, "Several credential sets are granted",
                $"Several credential sets are granted for company {Id(request.CompanyId)}: send credential_id (one of {string.Join(", ", grants.Select(g => g.CredentialId).Distinct())}).");
        }

        var (grantId, credentialId) = grants[0];
        var credential = await directory.FindCredentialAsync(credentialId, ct);
        if (credential is null || credential.Status == CredentialStatus.Retired)
        {
            return await RefuseAsync(client, request, credentialId, StatusCodes.Status403Forbidden, "Credential set retired",
                $"Credential set {Id(credentialId)} is retired or deleted.");
        }

        var procoreCredential = directory.ToProcoreCredential(credential, SecretSlot.Current);
        var settings = options.Value;
        var started = time.GetTimestamp();
        var rejectedHandled = false;
        var held = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var change = gate.NextChange(credentialId);
            var rotation = await rotations.GetActiveAsync(credentialId, ct);
            if (rotation is null or { Promoted: true })
            {
                gate.ClearResetObserved(credentialId);
            }

            var mustWait = rotation is { Promoted: false } && (rotation.SecretReset || gate.ResetObserved(credentialId));
            if (mustWait)
            {
                var remaining = settings.RotationWait - time.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    LogHoldTimedOut(logger, client.ClientId, credentialId);
                    return await RefuseAsync(client, request, credentialId, StatusCodes.Status503ServiceUnavailable, "Rotation in progress",
                        $"Credential set {Id(credentialId)} is being rotated: the secret was reset in Procore and the new one is not promoted yet. Retry shortly.",
                        settings.RotationPollInterval * 5);
                }

                if (!held)
                {
                    held = true;
                    LogHolding(logger, client.ClientId, credentialId, rotation!.RunId);
                }

                await RotationGate.WaitAsync(change, remaining < settings.RotationPollInterval ? remaining : settings.RotationPollInterval, time, ct);
                continue;
            }

            if (rotation is null && credential.Status == CredentialStatus.Down && !held)
            {
                var fresh = await directory.FindCredentialAsync(credentialId, ct);
                if (fresh?.Status == CredentialStatus.Down)
                {
                    return await RefuseAsync(client, request, credentialId, StatusCodes.Status503ServiceUnavailable, "Credential set down",
                        $"Credential set {Id(credentialId)} is marked down (its secret no longer works) and no rotation is under way. Staff have been shown this on the dashboard.",
                        TimeSpan.FromSeconds(30));
                }
            }

            ProcoreAccessToken token;
            try
            {
                token = await procore.GetAccessTokenAsync(procoreCredential, ct);
            }
            catch (ProcoreApiException ex) when (ex.Kind is ProcoreErrorKind.InvalidClient or ProcoreErrorKind.TokenRequestRejected && rotation is { Promoted: false })
            {
                // The secret was reset in Procore before the new one was pasted: wait for the promotion instead of failing.
                gate.MarkResetObserved(credentialId);
                continue;
            }
            catch (ProcoreApiException ex)
            {
                return await RefuseAsync(client, request, credentialId, StatusCodes.Status502BadGateway, "Procore did not issue a token",
                    $"Procore refused or failed the token request for credential set {Id(credentialId)} ({ex.Kind}).", TimeSpan.FromSeconds(30));
            }
            catch (CredentialUnreadableException)
            {
                return await RefuseAsync(client, request, credentialId, StatusCodes.Status503ServiceUnavailable, "Secret unreadable",
                    $"The stored secret of credential set {Id(credentialId)} cannot be read; staff must fix the key ring or replace the secret.");
            }

            var tokenId = await TokenIdAsync(token.Value, ct);
            if (!rejectedHandled && request.RejectedTokenId is { Length: > 0 } rejected && string.Equals(rejected, tokenId, StringComparison.Ordinal))
            {
                // The consumer saw Procore reject the token we hold: drop it and fetch again (single flight).
                rejectedHandled = true;
                procore.InvalidateAccessToken(procoreCredential.Key, token.Value);
                LogRejectedDropped(logger, client.ClientId, credentialId, tokenId);
                continue;
            }

            return await IssueAsync(client, request, grantId, credential, procoreCredential, token, tokenId, held, ct);
        }
    }

    /// <summary>The granted credential sets of a client and their rotation state (read-only, for automation).</summary>
    public async Task<IReadOnlyList<CredentialStatusResponse>> StatusAsync(MachineClient client, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var grants = await db.BrokerGrants.AsNoTracking()
            .Where(g => g.MachineClientId == client.ClientId && g.RevokedUtc == null && (g.ExpiresUtc == null || g.ExpiresUtc > now))
            .Select(g => new { g.CredentialSetId, g.ExpiresUtc, Companies = g.Companies.Select(c => c.ProcoreCompanyId).ToList() })
            .ToListAsync(ct);
        var active = await rotations.ListActiveAsync(ct);
        var result = new List<CredentialStatusResponse>();
        foreach (var group in grants.GroupBy(g => g.CredentialSetId).OrderBy(g => g.Key))
        {
            var credential = await directory.FindCredentialAsync(group.Key, ct);
            if (credential is null)
            {
                continue;
            }

            active.TryGetValue(group.Key, out var rotation);
            var rotationState = rotation switch
            {
                null => "none",
                { Promoted: true } => "promoted",
                { SecretReset: true } => "secret_reset",
                _ when gate.ResetObserved(group.Key) => "secret_reset",
                _ => "in_progress",
            };
            result.Add(new CredentialStatusResponse
            {
                CredentialId = credential.CredentialId,
                Label = credential.Label,
                Status = StatusName(credential.Status),
                Rotation = rotationState,
                RotationStartedAt = rotation is null ? null : Utc(rotation.StartedUtc),
                SecretResetAt = rotation?.SecretResetUtc is { } reset ? Utc(reset) : null,
                ServingTokens = rotationState != "secret_reset" && credential.Status != CredentialStatus.Retired
                    && !(rotation is null && credential.Status == CredentialStatus.Down),
                CompanyIds = group.SelectMany(g => g.Companies).Distinct().Order().ToList(),
                GrantExpiresAt = group.Any(g => g.ExpiresUtc is null) ? null : Utc(group.Max(g => g.ExpiresUtc!.Value)),
            });
        }

        return result;
    }

    private async Task<BrokerOutcome> IssueAsync(MachineClient client, ProcoreTokenRequest request, long grantId, CredentialOption credential,
        ProcoreCredential procoreCredential, ProcoreAccessToken token, string tokenId, bool held, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await RecordIssuanceAsync(client, request, grantId, credential.CredentialId, token, tokenId, held, now.UtcDateTime, ct);
        LogIssued(logger, client.ClientId, credential.CredentialId, request.CompanyId, tokenId, token.FromCache);
        return BrokerOutcome.Issued(new ProcoreTokenResponse
        {
            AccessToken = token.Value,
            TokenType = "Bearer",
            ExpiresAt = token.ExpiresAt,
            ExpiresIn = Math.Max(0, (long)(token.ExpiresAt - now).TotalSeconds),
            ApiBaseUrl = procoreCredential.Hosts.ApiBaseUrl.AbsoluteUri,
            ProcoreCompanyId = request.CompanyId,
            CredentialId = credential.CredentialId,
            TokenId = tokenId,
        });
    }

    /// <summary>
    /// The audit row, the day's counter (set-based; inserted on the first issuance of the day) and the grant's last issuance,
    /// in one transaction: one commit per issuance, and the token is handed out only once its issuance is on record.
    /// </summary>
    private async Task RecordIssuanceAsync(MachineClient client, ProcoreTokenRequest request, long grantId, long credentialId, ProcoreAccessToken token,
        string tokenId, bool held, DateTime nowUtc, CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(nowUtc);
        var detail = $"company {Id(request.CompanyId)}; token {tokenId}; expires {token.ExpiresAt:O}; {(token.FromCache ? "from cache" : "new Procore token")}{(held ? "; waited for a rotation" : "")}";
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                if (await db.BrokerIssuanceDays.Where(d => d.GrantId == grantId && d.Day == day)
                        .ExecuteUpdateAsync(s => s.SetProperty(d => d.Count, d => d.Count + 1), ct) == 0)
                {
                    db.BrokerIssuanceDays.Add(new BrokerIssuanceDay { GrantId = grantId, Day = day, Count = 1 });
                }

                await db.BrokerGrants.Where(g => g.Id == grantId).ExecuteUpdateAsync(s => s.SetProperty(g => g.LastIssuedUtc, nowUtc), ct);
                audit.Add(db, client.Actor, IssuedAction, AuditTargets.Credential, Id(credentialId), AuditOutcomes.Succeeded, detail);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // Another request inserted today's counter row first (unique grant × day): the retry counts on it.
            }
        }
    }

    private async Task<BrokerOutcome> RefuseAsync(MachineClient client, ProcoreTokenRequest request, long? credentialId, int status, string title, string detail,
        TimeSpan? retryAfter = null)
    {
        await audit.RecordAsync(client.Actor, RefusedAction, credentialId is null ? AuditTargets.Company : AuditTargets.Credential,
            credentialId is { } id ? Id(id) : Id(request.CompanyId),
            status == StatusCodes.Status403Forbidden ? AuditOutcomes.Denied : AuditOutcomes.Failed,
            $"company {Id(request.CompanyId)}; {status} {title}", CancellationToken.None);
        LogRefused(logger, client.ClientId, request.CompanyId, status, title);
        return BrokerOutcome.Refused(status, title, detail, retryAfter);
    }

    /// <summary>A keyed fingerprint (HMAC under the registry's fingerprint key) of the token: identifies it, reveals nothing.</summary>
    private async Task<string> TokenIdAsync(string token, CancellationToken ct) => "tk_" + (await protector.FingerprintAsync(token, ct))[..24];

    public static string StatusName(CredentialStatus status) => status switch
    {
        CredentialStatus.Active => "active",
        CredentialStatus.RotationDue => "rotation_due",
        CredentialStatus.Rotating => "rotating",
        CredentialStatus.SuspectedCompromise => "suspected_compromise",
        CredentialStatus.Down => "down",
        CredentialStatus.Retired => "retired",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token broker: issued a Procore token to {ClientId} for credential {CredentialId}, company {CompanyId} (token {TokenId}, from cache {FromCache})")]
    private static partial void LogIssued(ILogger logger, string clientId, long credentialId, long companyId, string tokenId, bool fromCache);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token broker: refused {ClientId} for company {CompanyId}: {Status} {Reason}")]
    private static partial void LogRefused(ILogger logger, string clientId, long companyId, int status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token broker: {ClientId} waits for rotation run {RunId} of credential {CredentialId} to promote the new secret")]
    private static partial void LogHolding(ILogger logger, string clientId, long credentialId, long runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token broker: {ClientId} waited the full rotation wait for credential {CredentialId}")]
    private static partial void LogHoldTimedOut(ILogger logger, string clientId, long credentialId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token broker: {ClientId} reported token {TokenId} of credential {CredentialId} rejected; fetching a new one")]
    private static partial void LogRejectedDropped(ILogger logger, string clientId, long credentialId, string tokenId);
}

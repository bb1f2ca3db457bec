using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.ApiConsole;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.ApiConsole;

/// <summary>One console call to make: which credential, which company, which allow-listed call, with or without the header.</summary>
/// <summary>One console call; <paramref name="Target"/> picks production or the monthly sandbox of a set that covers it.</summary>
public sealed record ConsoleRequest(long CredentialId, long ProcoreCompanyId, ConsoleEndpoint Endpoint, bool SendCompanyHeader = true,
    CredentialTarget Target = CredentialTarget.Primary);

/// <summary>
/// What the console shows after a call. <see cref="Response"/> is null when no answer came (token refused, timeout,
/// connection failure, secret unreadable); <see cref="ErrorKind"/> and <see cref="Explanation"/> then say why.
/// Holds no token and no secret.
/// </summary>
public sealed record ConsoleResult
{
    public required ConsoleRequest Request { get; init; }

    public required Uri RequestUrl { get; init; }

    public ProcoreRawResponse? Response { get; init; }

    public ProcoreErrorKind? ErrorKind { get; init; }

    public string? Explanation { get; init; }

    /// <summary>Procore's own message (from the body or the exception), when there was one.</summary>
    public string? ProcoreMessage { get; init; }

    public string? RequestId { get; init; }

    public required string Curl { get; init; }

    public RateLimitSnapshot? RateLimit { get; init; }

    public bool Succeeded => Response is { StatusCode: >= 200 and < 300 } && ErrorKind is null;
}

/// <summary>One row of the console history (no token, no body, no headers); <paramref name="Target"/> is where the call went.</summary>
public sealed record ConsoleHistoryEntry(
    long Id, DateTime OccurredUtc, string? ActorName, bool Mine, long CredentialId, string? CredentialLabel, long ProcoreCompanyId,
    string Method, string Path, bool CompanyHeaderSent, int? StatusCode, string? ErrorKind, string? RequestId, int? RoundTripMs, int? TokenMs,
    CredentialTarget Target = CredentialTarget.Primary);

/// <summary>
/// The MPR API console. Operators and Admins run allow-listed GET calls; everyone with a role reads the history.
/// Every call is audited and kept in the caller's history (the last <see cref="HistoryPerUser"/> per user).
/// </summary>
public sealed partial class ApiConsoleService(
    ICredentialDirectory directory,
    IProcoreClient procore,
    CurrentStaff staff,
    AuditTrail audit,
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider time,
    ILogger<ApiConsoleService> logger)
{
    public const int HistoryPerUser = 100;

    public async Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "use the API console");
        return await directory.ListCredentialsAsync(null, ct);
    }

    public async Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default)
    {
        await staff.RequireAsync(StaffRoles.Viewer, "use the API console");
        return await directory.ListCompaniesAsync(ct);
    }

    public RateLimitSnapshot? GetRateLimit(CredentialOption credential) =>
        procore.GetRateLimitSnapshot(directory.ToProcoreCredential(credential).Key);

    /// <summary>The latest rate-limit headers of one target (the monthly sandbox keeps its own quota and tokens).</summary>
    public RateLimitSnapshot? GetRateLimit(CredentialOption credential, CredentialTarget target) =>
        procore.GetRateLimitSnapshot(CredentialTokenKeys.For(credential.CredentialId, SecretSlot.Current, target));

    /// <summary>
    /// Runs one console call. Procore's answer is returned whatever its status; failures before an answer come back
    /// as a result with <see cref="ConsoleResult.ErrorKind"/>, never as an exception (except the role check and invalid input).
    /// </summary>
    /// <exception cref="StaffForbiddenException">The caller is not an Operator or Admin.</exception>
    /// <exception cref="UserFacingException">Unknown credential, company id or call.</exception>
    public async Task<ConsoleResult> RunAsync(ConsoleRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var actor = await staff.RequireAsync(StaffRoles.Operator, "run API console calls");
        if (request.ProcoreCompanyId <= 0)
        {
            throw new UserFacingException("A Procore company id is a positive number.");
        }

        if (!Enum.IsDefined(request.Endpoint))
        {
            throw new UserFacingException("Unknown console call.");
        }

        var credential = await directory.FindCredentialAsync(request.CredentialId, ct)
                         ?? throw new UserFacingException("Unknown credential set.");
        if (!credential.Targets.Contains(request.Target))
        {
            throw new UserFacingException("This credential set does not cover the monthly sandbox.");
        }

        var procoreCredential = directory.ToProcoreCredential(credential, SecretSlot.Current, request.Target);
        var path = ConsoleEndpoints.PathFor(request.Endpoint, request.ProcoreCompanyId);
        var plannedUrl = new Uri(procoreCredential.Hosts.ApiBaseUrl, path.TrimStart('/'));

        ConsoleResult result;
        try
        {
            var response = await procore.SendRawAsync(procoreCredential,
                new ProcoreRawRequest(path, request.ProcoreCompanyId) { OmitCompanyHeader = !request.SendCompanyHeader }, ct);
            var kind = ConsoleExplanations.Classify(response.StatusCode, response.Body, Header(response, "WWW-Authenticate"));
            result = new ConsoleResult
            {
                Request = request,
                RequestUrl = response.RequestUrl,
                Response = response,
                ErrorKind = kind,
                Explanation = kind is { } k ? ConsoleExplanations.Explain(k) : null,
                ProcoreMessage = kind is null ? null : ConsoleExplanations.Message(response.Body),
                RequestId = response.RequestId,
                RateLimit = response.RateLimit ?? procore.GetRateLimitSnapshot(procoreCredential.Key),
                Curl = CurlCommand.Build(procoreCredential.Hosts.LoginBaseUrl, response.RequestUrl, request.ProcoreCompanyId, response.CompanyHeaderSent),
            };
        }
        catch (Exception ex) when (ex is ProcoreApiException or CredentialUnreadableException)
        {
            var kind = ex is ProcoreApiException p ? p.Kind : ProcoreErrorKind.SecretUnavailable;
            result = new ConsoleResult
            {
                Request = request,
                RequestUrl = plannedUrl,
                ErrorKind = kind,
                Explanation = ex is ProcoreApiException pe ? pe.Explanation : ex.Message,
                ProcoreMessage = (ex as ProcoreApiException)?.ProcoreMessage,
                RequestId = (ex as ProcoreApiException)?.RequestId,
                RateLimit = (ex as ProcoreApiException)?.RateLimit ?? procore.GetRateLimitSnapshot(procoreCredential.Key),
                Curl = CurlCommand.Build(procoreCredential.Hosts.LoginBaseUrl, plannedUrl, request.ProcoreCompanyId, request.SendCompanyHeader),
            };
            LogCallFailed(logger, request.CredentialId, request.ProcoreCompanyId, kind);
        }

        await RecordAsync(actor, credential, request, path, result);
        return result;
    }

    /// <summary>The latest console calls, newest first: the caller's own, or everyone's.</summary>
    public async Task<IReadOnlyList<ConsoleHistoryEntry>> RecentHistoryAsync(bool onlyMine, int take = 50, CancellationToken ct = default)
    {
        var actor = await staff.RequireAsync(StaffRoles.Viewer, "read the API console history");
        take = Math.Clamp(take, 1, 200);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ApiConsoleCalls.AsNoTracking();
        if (onlyMine)
        {
            query = query.Where(c => c.ActorIssuer == actor.Issuer && c.ActorSubject == actor.Subject);
        }

        var rows = await query.OrderByDescending(c => c.Id).Take(take).ToListAsync(ct);
        return rows.Select(c => new ConsoleHistoryEntry(c.Id, c.OccurredUtc, c.ActorName,
            c.ActorIssuer == actor.Issuer && c.ActorSubject == actor.Subject, c.CredentialId, c.CredentialLabel, c.ProcoreCompanyId,
            c.Method, c.Path, c.CompanyHeaderSent, c.StatusCode, c.ErrorKind, c.RequestId, c.RoundTripMs, c.TokenMs,
            Enum.TryParse<CredentialTarget>(c.Target, out var target) && Enum.IsDefined(target) ? target : CredentialTarget.Primary)).ToList();
    }

    /// <summary>History row and audit row in one transaction, then prunes the caller's history to the last <see cref="HistoryPerUser"/>.</summary>
    private async Task RecordAsync(StaffActor actor, CredentialOption credential, ConsoleRequest request, string path, ConsoleResult result)
    {
        var status = result.Response?.StatusCode;
        var company = request.ProcoreCompanyId.ToString(CultureInfo.InvariantCulture);
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        db.ApiConsoleCalls.Add(new ApiConsoleCall
        {
            OccurredUtc = time.GetUtcNow().UtcDateTime,
            ActorIssuer = AuditTrail.Clean(actor.Issuer, 400)!,
            ActorSubject = AuditTrail.Clean(actor.Subject, 200)!,
            ActorName = AuditTrail.Clean(actor.Name, 200),
            CredentialId = credential.CredentialId,
            CredentialLabel = AuditTrail.Clean(credential.Label, 200),
            ProcoreCompanyId = request.ProcoreCompanyId,
            Method = "GET",
            Path = path,
            CompanyHeaderSent = result.Response?.CompanyHeaderSent ?? request.SendCompanyHeader,
            Target = request.Target == CredentialTarget.Primary ? null : request.Target.ToString(),
            StatusCode = status,
            ErrorKind = result.ErrorKind?.ToString(),
            RequestId = AuditTrail.Clean(result.RequestId, 100),
            RoundTripMs = result.Response is { } r ? (int)Math.Round(r.RoundTripTime.TotalMilliseconds) : null,
            TokenMs = result.Response is { } t ? (int)Math.Round(t.TokenAcquisitionTime.TotalMilliseconds) : null,
        });
        audit.Add(db, actor, "apiconsole.call", AuditTargets.Credential, credential.CredentialId.ToString(CultureInfo.InvariantCulture),
            result.Succeeded ? AuditOutcomes.Succeeded : AuditOutcomes.Failed,
            $"GET {path}{(request.Target == CredentialTarget.MonthlySandbox ? " (monthly sandbox)" : "")} company {company} header {(request.SendCompanyHeader ? "sent" : "omitted")} → " +
            $"{(status?.ToString(CultureInfo.InvariantCulture) ?? "no answer")}{(result.ErrorKind is { } k ? $" ({k})" : "")}" +
            $"{(result.RequestId is { } id ? $" request {id}" : "")}");
        await db.SaveChangesAsync(CancellationToken.None);

        var cutoff = await db.ApiConsoleCalls
            .Where(c => c.ActorIssuer == actor.Issuer && c.ActorSubject == actor.Subject)
            .OrderByDescending(c => c.Id).Skip(HistoryPerUser).Select(c => (long?)c.Id).FirstOrDefaultAsync(CancellationToken.None);
        if (cutoff is { } oldest)
        {
            await db.ApiConsoleCalls
                .Where(c => c.ActorIssuer == actor.Issuer && c.ActorSubject == actor.Subject && c.Id <= oldest)
                .ExecuteDeleteAsync(CancellationToken.None);
        }
    }

    private static string? Header(ProcoreRawResponse response, string name) =>
        response.ResponseHeaders.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    [LoggerMessage(Level = LogLevel.Information, Message = "API console call with credential {CredentialId} in company {CompanyId} got no answer: {Kind}")]
    private static partial void LogCallFailed(ILogger logger, long credentialId, long companyId, ProcoreErrorKind kind);
}

#if DEVELOPMENT_COMPANIONS
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.TokenBroker;
using ProcoreAdmin.DevIdentity;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.TokenBroker;

/// <summary>
/// In Development with DevIdentity and the demo credential: grants DevIdentity's seeded machine client the demo credential
/// for its installed companies (once, when no grant exists), so the broker answers in the one-command default.
/// </summary>
public sealed partial class TokenBrokerStartup(
    IDbContextFactory<AppDbContext> dbFactory,
    IDevelopmentCompanions companions,
    IHostEnvironment environment,
    AuditTrail audit,
    TimeProvider time,
    ILogger<TokenBrokerStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var machineClientId = new DevIdentityOptions { ClientSecret = "-" }.MachineClientId;
        if (!environment.IsDevelopment() || companions.DevIdentityClient is null || companions.SimulatorAddress is null || string.IsNullOrEmpty(machineClientId))
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.BrokerGrants.AnyAsync(cancellationToken))
        {
            return;
        }

        var demo = await db.CredentialSets.AsNoTracking().Where(c => c.ClientId == CredentialStartup.DemoClientId)
            .Select(c => new { c.Id, Companies = c.Installations.Select(i => i.Company!.ProcoreCompanyId).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        if (demo is null || demo.Companies.Count == 0)
        {
            return;
        }

        db.BrokerGrants.Add(new BrokerGrant
        {
            MachineClientId = machineClientId, CredentialSetId = demo.Id, Description = "Development integration (DevIdentity machine client)",
            CreatedUtc = time.GetUtcNow().UtcDateTime, CreatedBy = StaffActor.System.Name,
            Companies = demo.Companies.Select(c => new BrokerGrantCompany { ProcoreCompanyId = c }).ToList(),
        });
        audit.Add(db, StaffActor.System, "broker.grant", AuditTargets.Credential, demo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditOutcomes.Succeeded,
            $"Development demo grant: client {machineClientId}; companies {string.Join(", ", demo.Companies)}");
        await db.SaveChangesAsync(cancellationToken);
        LogSeeded(logger, machineClientId, demo.Id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Granted the development machine client {ClientId} the demo credential {CredentialId} (token broker)")]
    private static partial void LogSeeded(ILogger logger, string clientId, long credentialId);
}
#endif

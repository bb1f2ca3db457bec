using System.Net;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Companies;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// At start-up: (1) proves the key ring can read the stored secrets, otherwise the app stops with a clear message, and binds
/// secrets saved by earlier versions to their destination (<see cref="SecretBindingUpgrade"/>);
/// (2) in Development with the simulator running, seeds the demo company/credential when the registry is empty and
/// points loopback Custom credentials at the simulator's current address (its port can change between runs).
/// </summary>
public sealed partial class CredentialStartup(
    ISecretProtector protector,
    SecretBindingUpgrade bindingUpgrade,
    IDbContextFactory<AppDbContext> dbFactory,
    CredentialSecretStore secrets,
    IDevelopmentCompanions companions,
    IHostEnvironment environment,
    AuditTrail audit,
    TimeProvider time,
    ILogger<CredentialStartup> logger) : IHostedService
{
    public const string DemoClientId = "procoreadmin-demo-client";

    // The simulator's default seed; a fake secret that only the local simulator accepts.
    private const string DemoSecret = "FAKE-procoreadmin-demo-secret-not-real";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await protector.VerifyKeyRingAsync(cancellationToken);
        await bindingUpgrade.RunAsync(cancellationToken);
        await CredentialOwnerMigration.MigrateFreeTextOwnersAsync(dbFactory, audit, cancellationToken);
        if (environment.IsDevelopment() && companions.SimulatorAddress is { } simulator)
        {
            await SeedDemoAsync(simulator, cancellationToken);
            await RefreshSimulatorUrlsAsync(simulator, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Seeds only when both tables are empty, so it runs once and never touches real data.</summary>
    public async Task SeedDemoAsync(Uri simulator, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Companies.AnyAsync(ct) || await db.CredentialSets.AnyAsync(ct))
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var custom = nameof(ProcoreEnvironment.Custom);
        Company Company(long id, string name, string notes) => new() { ProcoreCompanyId = id, Name = name, Environment = custom, Notes = notes, CreatedUtc = now };
        var northwind = Company(5000000001, "Northwind Builders", "Simulator demo company (10,000 projects).");
        var contoso = Company(5000000002, "Contoso", "Simulator demo company.");
        var fabrikam = Company(5000000003, "Fabrikam", "Simulator demo company where the demo app is NOT installed: install the demo credential here and verify to see \"app not connected\".");
        db.Companies.AddRange(northwind, contoso, fabrikam);

        await secrets.PrepareAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var credential = new CredentialSet
        {
            Label = "ProcoreAdmin Demo (simulator)", Environment = ProcoreEnvironment.Custom, ClientId = DemoClientId,
            CustomLoginBaseUrl = simulator.ToString(), CustomApiBaseUrl = simulator.ToString(), Owners = "ada.admin@procoreadmin.dev.local",
            Notes = "Seeded in Development; points at the local Procore simulator. The secret is the simulator's fake demo secret.",
            RotationIntervalDays = 90, Status = CredentialStatus.Active, CreatedUtc = now, CreatedBy = StaffActor.System.Name,
        };
        db.CredentialSets.Add(credential);
        await db.SaveChangesAsync(ct);
        db.CredentialSecrets.Add(await secrets.NewVersionAsync(credential, SecretVersionState.Current, DemoSecret, StaffActor.System, now, ct));
        db.Installations.AddRange(
            new Installation { CredentialSetId = credential.Id, CompanyId = northwind.Id, CreatedUtc = now },
            new Installation { CredentialSetId = credential.Id, CompanyId = contoso.Id, CreatedUtc = now });
        audit.Add(db, StaffActor.System, "credential.seed-demo", CredentialSecretStore.TargetType, credential.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            AuditOutcomes.Succeeded, "Development demo data seeded (simulator)");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogSeeded(logger, simulator);
    }

    /// <summary>
    /// Custom credentials whose base URLs point at a loopback address are taken to be the development simulator and follow it
    /// to its current port. Only in Development; a non-loopback Custom URL (a real proxy) is never rewritten.
    /// </summary>
    public async Task<int> RefreshSimulatorUrlsAsync(Uri simulator, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await db.CredentialSets.Where(c => c.Environment == ProcoreEnvironment.Custom).ToListAsync(ct);
        var updated = 0;
        foreach (var c in candidates)
        {
            var login = Follow(c.CustomLoginBaseUrl, simulator);
            var api = Follow(c.CustomApiBaseUrl, simulator);
            var monthlyLogin = Follow(c.CustomMonthlyLoginBaseUrl, simulator);
            var monthlyApi = Follow(c.CustomMonthlyApiBaseUrl, simulator);
            if (login != c.CustomLoginBaseUrl || api != c.CustomApiBaseUrl || monthlyLogin != c.CustomMonthlyLoginBaseUrl || monthlyApi != c.CustomMonthlyApiBaseUrl)
            {
                // Secrets are bound to their destination: move them with the credential (loopback to loopback, Development only).
                var versions = await db.CredentialSecrets.Where(s => s.CredentialSetId == c.Id).ToListAsync(ct);
                foreach (var version in versions)
                {
                    var oldBinding = SecretBinding.For(c, version.PublicId);
                    var newBinding = SecretBinding.For(c.Id, c.Environment.ToString(), c.ClientId, login, api, c.CoversMonthlySandbox, monthlyLogin, monthlyApi, version.PublicId);
                    try
                    {
                        var again = protector.Protect(newBinding, protector.Unprotect(oldBinding, version.Ciphertext));
                        version.Ciphertext = again.Ciphertext;
                        version.KeyId = again.KeyId;
                    }
                    catch (System.Security.Cryptography.CryptographicException)
                    {
                        // Already unreadable; it stays so (the credential shows it and asks for the secret).
                    }
                }

                c.CustomLoginBaseUrl = login;
                c.CustomApiBaseUrl = api;
                c.CustomMonthlyLoginBaseUrl = monthlyLogin;
                c.CustomMonthlyApiBaseUrl = monthlyApi;
                updated++;
            }
        }

        await db.SaveChangesAsync(ct);
        return updated;
    }

    private static string? Follow(string? stored, Uri simulator)
    {
        if (stored is null || !Uri.TryCreate(stored, UriKind.Absolute, out var uri) || !IsLoopback(uri) || uri.Authority == simulator.Authority)
        {
            return stored;
        }

        return new UriBuilder(uri) { Scheme = simulator.Scheme, Host = simulator.Host, Port = simulator.Port }.Uri.ToString();
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the Development demo company and credential (simulator at {Simulator})")]
    private static partial void LogSeeded(ILogger logger, Uri simulator);
}

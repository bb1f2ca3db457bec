using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data.ApiConsole;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Data.Companies;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Data.TokenBroker;

namespace ProcoreAdmin.Data;

/// <summary>
/// The one EF Core model for both providers (SQLite embedded, SQL Server production).
/// Each feature keeps its entities and <see cref="IEntityTypeConfiguration{TEntity}"/> in its own folder.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring when it is kept in the database (several instances, one database).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<MaintenanceSchedule> MaintenanceSchedules => Set<MaintenanceSchedule>();
    public DbSet<CredentialHealthCheck> CredentialHealthChecks => Set<CredentialHealthCheck>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();
    public DbSet<NotificationRead> NotificationReads => Set<NotificationRead>();
    public DbSet<RotationReminder> RotationReminders => Set<RotationReminder>();
    public DbSet<RotationRun> RotationRuns => Set<RotationRun>();
    public DbSet<RotationStep> RotationSteps => Set<RotationStep>();
    public DbSet<ApiConsoleCall> ApiConsoleCalls => Set<ApiConsoleCall>();
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<CredentialSet> CredentialSets => Set<CredentialSet>();
    public DbSet<CredentialSecret> CredentialSecrets => Set<CredentialSecret>();
    public DbSet<Installation> Installations => Set<Installation>();
    public DbSet<CredentialKeyMaterial> CredentialKeyMaterial => Set<CredentialKeyMaterial>();
    public DbSet<BrokerGrant> BrokerGrants => Set<BrokerGrant>();
    public DbSet<BrokerGrantCompany> BrokerGrantCompanies => Set<BrokerGrantCompany>();
    public DbSet<BrokerIssuanceDay> BrokerIssuanceDays => Set<BrokerIssuanceDay>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
        modelBuilder.ApplyConfiguration(new JobRunConfiguration());
        modelBuilder.ApplyConfiguration(new MaintenanceScheduleConfiguration());
        modelBuilder.ApplyConfiguration(new CredentialHealthCheckConfiguration());
        modelBuilder.ApplyConfiguration(new NotificationConfiguration());
        modelBuilder.ApplyConfiguration(new NotificationDeliveryConfiguration());
        modelBuilder.ApplyConfiguration(new NotificationReadConfiguration());
        modelBuilder.ApplyConfiguration(new RotationReminderConfiguration());
        modelBuilder.ApplyConfiguration(new RotationRunConfiguration());
        modelBuilder.ApplyConfiguration(new RotationStepConfiguration());
        modelBuilder.ApplyConfiguration(new ApiConsoleCallConfiguration());
        modelBuilder.ApplyConfiguration(new CompanyConfiguration());
        modelBuilder.ApplyConfiguration(new CredentialSetConfiguration());
        modelBuilder.ApplyConfiguration(new CredentialSecretConfiguration());
        modelBuilder.ApplyConfiguration(new InstallationConfiguration());
        modelBuilder.ApplyConfiguration(new CredentialKeyMaterialConfiguration());
        modelBuilder.ApplyConfiguration(new BrokerGrantConfiguration());
        modelBuilder.ApplyConfiguration(new BrokerGrantCompanyConfiguration());
        modelBuilder.ApplyConfiguration(new BrokerIssuanceDayConfiguration());

        if (Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            // PostgreSQL folds unquoted names to lower case, and our columns are PascalCase: quote them in index filters.
            modelBuilder.Entity<CredentialSecret>().HasIndex(x => new { x.CredentialSetId, x.State }).HasFilter("\"State\" <> 'Retired'");
        }
    }

}

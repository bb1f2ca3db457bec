using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data.ApiConsole;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Data.Companies;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Maintenance;

namespace ProcoreAdmin.Data;

/// <summary>
/// The one EF Core model for both providers (SQLite embedded, SQL Server production).
/// Each feature keeps its entities and <see cref="IEntityTypeConfiguration{TEntity}"/> in its own folder.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<ApiConsoleCall> ApiConsoleCalls => Set<ApiConsoleCall>();
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<CredentialSet> CredentialSets => Set<CredentialSet>();
    public DbSet<CredentialSecret> CredentialSecrets => Set<CredentialSecret>();
    public DbSet<Installation> Installations => Set<Installation>();
    public DbSet<CredentialKeyMaterial> CredentialKeyMaterial => Set<CredentialKeyMaterial>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
        modelBuilder.ApplyConfiguration(new JobRunConfiguration());
        modelBuilder.ApplyConfiguration(new ApiConsoleCallConfiguration());
        modelBuilder.ApplyConfiguration(new CompanyConfiguration());
        modelBuilder.ApplyConfiguration(new CredentialSetConfiguration());
        modelBuilder.ApplyConfiguration(new CredentialSecretConfiguration());
        modelBuilder.ApplyConfiguration(new InstallationConfiguration());
        modelBuilder.ApplyConfiguration(new CredentialKeyMaterialConfiguration());
    }

}

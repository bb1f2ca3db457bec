using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data.ApiConsole;
using ProcoreAdmin.Data.Audit;
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

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
        modelBuilder.ApplyConfiguration(new JobRunConfiguration());
        modelBuilder.ApplyConfiguration(new ApiConsoleCallConfiguration());
    }

}

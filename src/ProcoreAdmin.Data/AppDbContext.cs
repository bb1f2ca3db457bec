using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Data.Rotation;

namespace ProcoreAdmin.Data;

/// <summary>
/// The one EF Core model for both providers (SQLite embedded, SQL Server production).
/// Each feature keeps its entities and <see cref="IEntityTypeConfiguration{TEntity}"/> in its own folder.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<MaintenanceSchedule> MaintenanceSchedules => Set<MaintenanceSchedule>();
    public DbSet<CredentialHealthCheck> CredentialHealthChecks => Set<CredentialHealthCheck>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();
    public DbSet<RotationReminder> RotationReminders => Set<RotationReminder>();
    public DbSet<RotationRun> RotationRuns => Set<RotationRun>();
    public DbSet<RotationStep> RotationSteps => Set<RotationStep>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new AuditEventConfiguration());
        modelBuilder.ApplyConfiguration(new JobRunConfiguration());
        modelBuilder.ApplyConfiguration(new MaintenanceScheduleConfiguration());
        modelBuilder.ApplyConfiguration(new CredentialHealthCheckConfiguration());
        modelBuilder.ApplyConfiguration(new NotificationConfiguration());
        modelBuilder.ApplyConfiguration(new NotificationDeliveryConfiguration());
        modelBuilder.ApplyConfiguration(new RotationReminderConfiguration());
        modelBuilder.ApplyConfiguration(new RotationRunConfiguration());
        modelBuilder.ApplyConfiguration(new RotationStepConfiguration());
    }

}

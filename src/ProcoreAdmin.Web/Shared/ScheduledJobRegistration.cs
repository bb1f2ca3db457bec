using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ProcoreAdmin.Web.Shared;

// Job registration shared by every feature: a feature registers its own scheduled job kinds here once, and the
// Maintenance feature runs, schedules and records them without knowing the feature.

/// <summary>
/// The job kinds that have a schedule row, one place for all features (each job class's <c>Kind</c> points here).
/// Names are stable: they are stored in the database.
/// </summary>
public static class MaintenanceJobKinds
{
    public const string Housekeeping = "prune-job-history";
    public const string RotationReminderScan = "rotation-reminder-scan";
    public const string CredentialHealthCheck = "credential-health-check";
    public const string DeliverNotifications = "deliver-notifications";
    public const string TokenCacheHousekeeping = "token-cache-housekeeping";

    /// <summary>Key re-protect (the credential registry's <c>ReprotectSecretsJob</c>).</summary>
    public const string ReprotectSecrets = "reprotect-secrets";

    /// <summary>Audit trail integrity check (the Audit feature's <c>VerifyAuditChainJob</c>).</summary>
    public const string AuditChainVerify = "audit-chain-verify";
}

/// <summary>
/// A kind of scheduled job: registered explicitly by its feature with <see cref="ScheduledJobRegistration.AddScheduledJob{TJob}"/>.
/// A schedule row is seeded for it (default cron, UTC) the first time the app starts.
/// </summary>
public sealed record ScheduledJobDefinition(
    string Kind,
    string Title,
    string DefaultCron,
    string Description,
    Func<IServiceProvider, CancellationToken, Task<string>> Run);

public static class ScheduledJobRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TJob"/> (transient) and its schedule kind. Each kind and each job class is registered
    /// once, by the feature that owns the job; a second registration is a wiring mistake and stops the app at start.
    /// </summary>
    public static IServiceCollection AddScheduledJob<TJob>(this IServiceCollection services, string kind, string title, string defaultCron,
        string description, Func<TJob, CancellationToken, Task<string>> run)
        where TJob : class
    {
        if (services.Any(d => d.ServiceType == typeof(ScheduledJobDefinition) && d.ImplementationInstance is ScheduledJobDefinition { } known && known.Kind == kind)
            || services.Any(d => d.ServiceType == typeof(TJob)))
        {
            throw new InvalidOperationException($"The scheduled job kind '{kind}' ({typeof(TJob).Name}) is registered twice; register it once, in the feature that owns it.");
        }

        services.TryAddSingleton<JobRunRecorder>();
        services.AddTransient<TJob>();
        services.AddSingleton(new ScheduledJobDefinition(kind, title, defaultCron, description,
            (sp, ct) => run(sp.GetRequiredService<TJob>(), ct)));
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Maintenance;

public static class MaintenanceFeature
{
    public static WebApplicationBuilder AddMaintenance(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MaintenanceOptions>()
            .Bind(builder.Configuration.GetSection(MaintenanceOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Cronos.CronExpression.TryParse(o.HousekeepingCron, out _), "Maintenance:HousekeepingCron is not a valid 5-field cron expression.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<JobRunRecorder>();
        builder.Services.AddSingleton<ScheduleRegistrar>();
        builder.Services.AddSingleton<MaintenanceSchedules>();
        builder.Services.AddSingleton<ICredentialSchedules>(sp => sp.GetRequiredService<MaintenanceSchedules>());
        builder.Services.AddSingleton<ICredentialConsumers, CredentialConsumers>();
        builder.Services.AddTransient<ScheduledJobRunner>();
        builder.Services.AddScoped<MaintenanceService>();
        builder.Services.AddScoped<IMaintenanceHistory>(sp => sp.GetRequiredService<MaintenanceService>());
        builder.Services.AddScheduledJob<PruneJobHistoryJob>(MaintenanceJobKinds.Housekeeping, "Housekeeping: job history and old notifications",
            "17 3 * * *", "Deletes job-run history and read notifications older than the retention period (audit rows are never deleted).", (job, ct) => job.RunAsync(ct));
        builder.Services.AddScheduledJob<EvictUnusableTokensJob>(MaintenanceJobKinds.TokenCacheHousekeeping, "Housekeeping: token cache",
            "25 * * * *", "Drops cached Procore tokens of retired, down or compromised credentials and of pending slots no rotation uses.", (job, ct) => job.RunAsync(ct));
        builder.Services.AddScheduledJob<CheckCredentialHealthJob>(MaintenanceJobKinds.CredentialHealthCheck, "Credential health check",
            "0 */6 * * *", "Token, /me and /companies with Procore-Company-Id for every active credential set.", (job, ct) => job.RunAsync(ct));
        // The seeded housekeeping cron comes from Maintenance:HousekeepingCron (first start only; later edits live in the database).
        builder.Services.AddHostedService<ScheduleStartup>();
        return builder;
    }
}

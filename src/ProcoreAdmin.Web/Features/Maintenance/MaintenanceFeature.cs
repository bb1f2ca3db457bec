using Hangfire;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Features.Maintenance;

public static class MaintenanceFeature
{
    public const string HousekeepingJobId = "housekeeping:prune-job-history";

    public static WebApplicationBuilder AddMaintenance(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MaintenanceOptions>()
            .Bind(builder.Configuration.GetSection(MaintenanceOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => Cronos.CronExpression.TryParse(o.HousekeepingCron, out _), "Maintenance:HousekeepingCron is not a valid 5-field cron expression.")
            .ValidateOnStart();
        builder.Services.AddSingleton<JobRunRecorder>();
        builder.Services.AddTransient<PruneJobHistoryJob>();
        builder.Services.AddScoped<MaintenanceService>();
        builder.Services.AddHostedService<HousekeepingScheduleRegistrar>();
        return builder;
    }
}

/// <summary>Registers the housekeeping schedule with Hangfire at start-up (idempotent AddOrUpdate).</summary>
internal sealed class HousekeepingScheduleRegistrar(IRecurringJobManager recurringJobs, IOptions<MaintenanceOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<PruneJobHistoryJob>(
            MaintenanceFeature.HousekeepingJobId,
            job => job.RunAsync("schedule", CancellationToken.None),
            options.Value.HousekeepingCron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

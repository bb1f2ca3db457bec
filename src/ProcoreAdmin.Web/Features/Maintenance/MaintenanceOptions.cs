using System.ComponentModel.DataAnnotations;

namespace ProcoreAdmin.Web.Features.Maintenance;

/// <summary>Section <c>Maintenance</c>.</summary>
public sealed class MaintenanceOptions
{
    public const string SectionName = "Maintenance";

    /// <summary>Cron (UTC) for the housekeeping job that prunes old job-run history.</summary>
    [Required(ErrorMessage = "Maintenance:HousekeepingCron is required (a 5-field cron expression, e.g. '17 3 * * *').")]
    public string HousekeepingCron { get; set; } = "17 3 * * *";

    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "Maintenance:JobHistoryRetention must be between 1 and 3650 days (format d.hh:mm:ss).")]
    public TimeSpan JobHistoryRetention { get; set; } = TimeSpan.FromDays(90);
}

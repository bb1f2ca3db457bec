using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>Section <c>Rotation</c>.</summary>
public sealed class RotationOptions
{
    public const string SectionName = "Rotation";

    /// <summary>Reminder stages in days before the due date (0 = due today). Overdue is always a stage.</summary>
    public int[]? ReminderStagesDays { get; set; }

    public static readonly IReadOnlyList<int> DefaultStagesDays = [30, 14, 7, 1, 0];

    /// <summary>The configured stages, or 30/14/7/1/0 (configuration binding would append to a pre-filled list).</summary>
    public IReadOnlyList<int> StagesDays => ReminderStagesDays is { Length: > 0 } stages ? stages : DefaultStagesDays;

    /// <summary>The zone whose calendar days count for reminders (IANA or Windows id).</summary>
    [Required(ErrorMessage = "Rotation:ReminderTimeZone is required, e.g. 'UTC' or 'Europe/Berlin'.")]
    public string ReminderTimeZone { get; set; } = "UTC";

    /// <summary>The Procore Developer Portal, linked from step 4.</summary>
    public string DeveloperPortalUrl { get; set; } = "https://developers.procore.com/developers";
}

public sealed class RotationOptionsValidator : IValidateOptions<RotationOptions>
{
    public ValidateOptionsResult Validate(string? name, RotationOptions o)
    {
        var errors = new List<string>();
        if (o.StagesDays.Any(d => d is < 0 or > 3650))
        {
            errors.Add("Rotation:ReminderStagesDays must list days before the due date between 0 and 3650, e.g. [30, 14, 7, 1, 0].");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(o.ReminderTimeZone ?? "", out _))
        {
            errors.Add($"Rotation:ReminderTimeZone '{o.ReminderTimeZone}' is not a known time zone id (e.g. 'UTC', 'Europe/Berlin').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

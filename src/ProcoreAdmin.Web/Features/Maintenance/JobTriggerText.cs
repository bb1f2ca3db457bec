namespace ProcoreAdmin.Web.Features.Maintenance;

/// <summary>Plain words for a job run's stored trigger label ("schedule", "manual:&lt;who&gt;:&lt;id&gt;").</summary>
public static class JobTriggerText
{
    public static string For(string? trigger)
    {
        if (string.IsNullOrEmpty(trigger) || trigger == ScheduledJobRunner.ScheduleTrigger)
        {
            return "On schedule";
        }

        if (trigger.StartsWith("manual:", StringComparison.Ordinal))
        {
            var parts = trigger.Split(':');
            return parts.Length >= 2 && parts[1].Length > 0 ? $"Run now by {parts[1]}" : "Run now";
        }

        return trigger;
    }
}

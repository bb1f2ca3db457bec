using Microsoft.JSInterop;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>The browser's IANA time zone for this circuit; UTC until the browser has answered (and during prerender).</summary>
public sealed class BrowserTimeZone(IJSRuntime js)
{
    private TimeZoneInfo? _zone;

    public TimeZoneInfo Zone => _zone ?? TimeZoneInfo.Utc;

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>The zone as a short label for that instant: "UTC", "UTC+1", "UTC-4:30" (offsets follow daylight saving).</summary>
    public string Label(DateTime utc)
    {
        var offset = Zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        if (offset == TimeSpan.Zero)
        {
            return "UTC";
        }

        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0 ? $"UTC{sign}{abs.Hours}" : $"UTC{sign}{abs.Hours}:{abs.Minutes:00}";
    }

    /// <summary>Asks the browser once. Returns true when the zone changed, so the caller re-renders.</summary>
    public async Task<bool> EnsureLoadedAsync()
    {
        if (_zone is not null)
        {
            return false;
        }

        try
        {
            var id = await js.InvokeAsync<string>("procoreAdmin.timeZone");
            _zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        }
        catch (JSException)
        {
            _zone = TimeZoneInfo.Utc;
        }

        return _zone != TimeZoneInfo.Utc;
    }
}

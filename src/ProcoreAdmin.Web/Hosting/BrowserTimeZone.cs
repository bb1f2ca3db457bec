using Microsoft.JSInterop;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>The browser's IANA time zone for this circuit; UTC until the browser has answered (and during prerender).</summary>
public sealed class BrowserTimeZone(IJSRuntime js)
{
    private TimeZoneInfo? _zone;

    public TimeZoneInfo Zone => _zone ?? TimeZoneInfo.Utc;

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

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

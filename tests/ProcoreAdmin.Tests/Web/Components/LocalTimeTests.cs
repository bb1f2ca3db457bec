using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Components.Shared;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Components;

public sealed class LocalTimeTests : MudComponentTest
{
    [Theory]
    [InlineData("Europe/Berlin", "2026-01-15 13:00 UTC+1")]
    [InlineData("America/New_York", "2026-01-15 07:00 UTC-5")]
    [InlineData("Asia/Kolkata", "2026-01-15 17:30 UTC+5:30")]
    [InlineData("UTC", "2026-01-15 12:00 UTC")]
    public void Time_InTheBrowsersZone_CarriesAZoneLabel(string zone, string expected)
    {
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult(zone);

        var cut = Context.Render<LocalTime>(p => p.Add(x => x.Utc, new DateTime(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc)));

        cut.WaitForAssertion(() => Assert.Equal(expected, cut.Find("span").TextContent));
    }

    [Fact]
    public void Date_WithoutATimeOfDay_HasNoZoneLabel()
    {
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");

        var cut = Context.Render<LocalTime>(p => p.Add(x => x.Utc, new DateTime(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc)).Add(x => x.Format, "yyyy-MM-dd"));

        Assert.Equal("2026-01-15", cut.Find("span").TextContent);
    }
}

using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.ApiConsole;

namespace ProcoreAdmin.Tests.Web.Features.ApiConsole;

public sealed class FidelityDefectTests
{
    [Fact]
    public void Pretty_NonAsciiText_StaysTextInsteadOfUnicodeEscapes()
    {
        var pretty = ConsoleExplanations.Pretty("""{"name":"Entrepren\u00f8r AS","city":"Tromsø"}""");

        Assert.Contains("\"Entreprenør AS\"", pretty, StringComparison.Ordinal);
        Assert.Contains("\"Tromsø\"", pretty, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", pretty, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10_600, true)]   // a rolling spike window: reset (rounded up) 11 s after Date (rounded down)
    [InlineData(3_000, true)]
    [InlineData(1_800_000, false)] // the hourly window
    [InlineData(20_000, false)]
    public void RateLimitSnapshot_NamesTheWindowFromTheReset(int resetInMs, bool spike)
    {
        var observed = new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
        var snapshot = new RateLimitSnapshot(25, 3, observed.AddMilliseconds(resetInMs), observed, 1);

        Assert.Equal(spike, snapshot.IsSpikeWindow);
    }
}

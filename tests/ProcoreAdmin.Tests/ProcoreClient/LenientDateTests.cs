using System.Text.Json;
using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.Tests.ProcoreClient;

/// <summary>Timestamps in Procore bodies: every readable form becomes the same UTC instant with a zero offset.</summary>
public class LenientDateTests
{
    [Theory]
    [InlineData("2016-08-22T20:18:55Z", "2016-08-22T20:18:55.0000000+00:00")]
    [InlineData("2016-08-22T20:18:55.123Z", "2016-08-22T20:18:55.1230000+00:00")]
    [InlineData("2016-08-22T13:18:55-07:00", "2016-08-22T20:18:55.0000000+00:00")]
    [InlineData("2016-08-22T20:18:55", "2016-08-22T20:18:55.0000000+00:00")]
    [InlineData("2016-08-22 20:18:55 Z", "2016-08-22T20:18:55.0000000+00:00")]
    [InlineData("2016-08-22T20:18:55\\u005A", "2016-08-22T20:18:55.0000000+00:00")]
    [InlineData("2016-13-45T20:18:55Z", null)]
    [InlineData("soon", null)]
    [InlineData("", null)]
    public void CreatedAt_VariousForms_UtcInstantOrNull(string json, string? expected)
    {
        var project = JsonSerializer.Deserialize($$"""{"id":1,"created_at":"{{json}}"}""", ProcoreJsonContext.Default.ProcoreProject)!;

        Assert.Equal(expected, project.CreatedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }
}

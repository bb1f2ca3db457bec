using System.Net;
using ProcoreAdmin.Tests.Web.Hosting;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Audit;

[Collection(AppCollection.Name)]
public sealed class AuditExportTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task CsvExport_StartsWithTheUtf8ByteOrderMark_LikeEveryOtherCsvExport()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/audit/export.csv").As(TestSignInExtensions.RolesFor(StaffRoles.Viewer)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.StartsWith("occurred_utc,", System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
    }
}

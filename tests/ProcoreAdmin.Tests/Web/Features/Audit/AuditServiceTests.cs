using ProcoreAdmin.Tests.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Audit;

public sealed class AuditServiceTests : IAsyncLifetime
{
    private RegistryHarness _h = null!;

    public async Task InitializeAsync() => _h = await RegistryHarness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2", "'-2")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("plain", "plain")]
    public void Cell_NeutralisesFormulasAndQuotes(string value, string expected) => Assert.Equal(expected, CsvCell.Format(value));

    [Fact]
    public async Task Export_FiltersIsInjectionSafe_AndIsItselfAudited()
    {
        await _h.AddCompanyAsync(5000000001, "=HYPERLINK(\"http://evil\")");
        await _h.AddCompanyAsync(5000000002, "Contoso");

        var csv = await _h.Audit(StaffRoles.Viewer).ExportCsvAsync(new AuditFilter(Action: "company."));

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"5000000001 =HYPERLINK(\"\"http://evil\"\") (Custom)\"", csv);
        Assert.DoesNotContain(",=", csv);
        var page = await _h.Audit(StaffRoles.Viewer).QueryAsync(new AuditFilter(Action: "audit.export"), 0, 10);
        Assert.Equal(1, page.Total);
        Assert.Equal("https://test-idp", page.Items[0].ActorIssuer);
        Assert.Equal("test-subject", page.Items[0].ActorSubject);
    }

    [Fact]
    public async Task Query_ByTargetType_FindsRowsStoredWithTheOlderSpellingToo()
    {
        var trail = new AuditTrail(_h.Db, TimeProvider.System);
        await trail.RecordAsync(StaffActor.System, "rotation.cancel", "Credential", "41", AuditOutcomes.Succeeded); // as written before AuditTargets
        await trail.RecordAsync(StaffActor.System, "rotation.cancel", AuditTargets.Credential, "42", AuditOutcomes.Succeeded);

        var page = await _h.Audit(StaffRoles.Viewer).QueryAsync(new AuditFilter(Action: "rotation.cancel", Target: AuditTargets.Credential), 0, 10);

        Assert.Equal(["41", "42"], page.Items.Select(i => i.TargetId).Order());
        Assert.Contains(page.Items, i => i.TargetType == "Credential"); // the stored text is not rewritten
    }

    [Fact]
    public async Task Query_WithoutAStaffRole_IsForbidden() =>
        await Assert.ThrowsAsync<StaffForbiddenException>(() => _h.Audit("none").QueryAsync(new AuditFilter(), 0, 10));
}

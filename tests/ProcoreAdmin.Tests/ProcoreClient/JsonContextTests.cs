using System.Text.Json;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.Tests.ProcoreClient;

/// <summary>
/// The Procore JSON context reads lenient input (numbers, booleans or objects where text is expected; unreadable dates) and
/// writes the same JSON whichever way its converters are attached (per property or once for the context).
/// </summary>
public sealed class JsonContextTests
{
    private const string LenientProject = """
        {"id":7,"name":"Tower","display_name":"T-1 Tower","project_number":12345,"active":true,"is_demo":false,"address":{"x":1},
         "city":["a"],"state_code":"CA","country_code":"US","zip":94105,"county":null,"time_zone":"US/Pacific","latitude":37.5,
         "longitude":-122.25,"phone":true,"stage":"Course of Construction","project_stage":{"id":3,"name":"Bidding"},
         "company":{"id":5000000001,"name":"Northwind"},"office":{"id":9,"name":"HQ"},"start_date":"2026-01-02",
         "completion_date":null,"origin_id":98765,"origin_code":"X","created_at":"2016-08-22T20:18:55Z","updated_at":"not a date"}
        """;

    private const string ExpectedProject =
        """
        {"id":7,"name":"Tower","display_name":"T-1 Tower","project_number":"12345","active":true,"is_demo":false,"address":null,"city":null,"state_code":"CA","country_code":"US","zip":"94105","county":null,"time_zone":"US/Pacific","latitude":37.5,"longitude":-122.25,"phone":"true","stage":"Course of Construction","project_stage":{"id":3,"name":"Bidding"},"company":{"id":5000000001,"name":"Northwind"},"office":{"id":9,"name":"HQ"},"start_date":"2026-01-02","completion_date":null,"origin_id":"98765","origin_code":"X","created_at":"2016-08-22T20:18:55+00:00","updated_at":null}
        """;

    private const string LenientUser = """
        {"id":1,"name":"Ann Lee","first_name":"Ann","last_name":"Lee","email_address":"ann@example.test","job_title":42,
         "business_phone":5551234,"mobile_phone":null,"is_active":true,"is_employee":false,"vendor":{"id":2,"name":"Acme"},
         "permission_template":null,"last_login_at":"2026-03-04T05:06:07+02:00","created_at":12,"updated_at":"2026-03-04T05:06:07Z"}
        """;

    private const string ExpectedUser =
        """
        {"id":1,"name":"Ann Lee","first_name":"Ann","last_name":"Lee","email_address":"ann@example.test","job_title":"42","business_phone":"5551234","mobile_phone":null,"is_active":true,"is_employee":false,"vendor":{"id":2,"name":"Acme"},"permission_template":null,"last_login_at":"2026-03-04T03:06:07+00:00","created_at":null,"updated_at":"2026-03-04T05:06:07+00:00"}
        """;

    [Fact]
    public void ProjectJson_ReadLenientlyAndWrittenBack_IsUnchanged()
    {
        var project = JsonSerializer.Deserialize(LenientProject, ProcoreJsonContext.Default.ProcoreProject)!;

        Assert.Equal(ExpectedProject, JsonSerializer.Serialize(project, ProcoreJsonContext.Default.ProcoreProject));
    }

    [Fact]
    public void CompanyUserJson_ReadLenientlyAndWrittenBack_IsUnchanged()
    {
        var user = JsonSerializer.Deserialize(LenientUser, ProcoreJsonContext.Default.ProcoreCompanyUser)!;

        Assert.Equal(ExpectedUser, JsonSerializer.Serialize(user, ProcoreJsonContext.Default.ProcoreCompanyUser));
    }

    [Fact]
    public void OtherModels_ReadNumbersAsText()
    {
        var me = JsonSerializer.Deserialize("""{"id":1,"login":123,"name":false}""", ProcoreJsonContext.Default.ProcoreMe)!;
        var office = Assert.Single(JsonSerializer.Deserialize("""[{"id":2,"name":"HQ","zip":10001,"fax":{"n":1},"division":7}]""",
            ProcoreJsonContext.Default.ListProcoreOffice)!);
        var company = Assert.Single(JsonSerializer.Deserialize("""[{"id":3,"name":99,"logo_url":null}]""", ProcoreJsonContext.Default.ListProcoreCompany)!);

        Assert.Equal(("123", "false"), (me.Login, me.Name));
        Assert.Equal(("10001", null, "7"), (office.Zip, office.Fax, office.Division));
        Assert.Equal("99", company.Name);
    }
}

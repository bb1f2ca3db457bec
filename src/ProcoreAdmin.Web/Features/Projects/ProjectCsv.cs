using System.Globalization;
using System.Text;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>CSV for project exports (RFC 4180 quoting; cells that a spreadsheet would run as a formula are defused).</summary>
public static class ProjectCsv
{
    public const string Header = "id,name,display_name,project_number,active,stage,address,city,state_code,zip,country_code,office,created_at,updated_at";

    public static void AppendRow(StringBuilder sb, ProcoreProject p)
    {
        Field(sb, p.Id.ToString(CultureInfo.InvariantCulture), first: true);
        Field(sb, p.Name);
        Field(sb, p.DisplayName);
        Field(sb, p.ProjectNumber);
        Field(sb, p.Active is null ? "" : p.Active.Value ? "true" : "false");
        Field(sb, p.Stage ?? p.ProjectStage?.Name);
        Field(sb, p.Address);
        Field(sb, p.City);
        Field(sb, p.StateCode);
        Field(sb, p.Zip);
        Field(sb, p.CountryCode);
        Field(sb, p.Office?.Name);
        Field(sb, p.CreatedAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        Field(sb, p.UpdatedAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        sb.Append("\r\n");
    }

    private static void Field(StringBuilder sb, string? value, bool first = false)
    {
        if (!first)
        {
            sb.Append(',');
        }

        sb.Append(CsvCell.Format(value));
    }
}

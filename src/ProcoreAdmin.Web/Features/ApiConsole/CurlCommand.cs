using System.Globalization;
using System.Text;

namespace ProcoreAdmin.Web.Features.ApiConsole;

/// <summary>
/// "Copy as cURL": the real URL and Procore-Company-Id, with <c>$PROCORE_TOKEN</c>, <c>$CLIENT_ID</c> and
/// <c>$CLIENT_SECRET</c> as placeholders. Built only from the URLs and the company id, so no token or secret can get in.
/// </summary>
public static class CurlCommand
{
    public static string Build(Uri loginBaseUrl, Uri requestUrl, long companyId, bool sendCompanyHeader)
    {
        ArgumentNullException.ThrowIfNull(loginBaseUrl);
        ArgumentNullException.ThrowIfNull(requestUrl);
        var tokenUrl = new Uri(loginBaseUrl, "oauth/token");
        var sb = new StringBuilder();
        sb.Append("# 1. Get an access token (client credentials). Set CLIENT_ID and CLIENT_SECRET first.\n");
        sb.Append("PROCORE_TOKEN=$(curl -s -X POST ").Append(Quote(tokenUrl.AbsoluteUri))
          .Append(" -d grant_type=client_credentials -d \"client_id=$CLIENT_ID\" -d \"client_secret=$CLIENT_SECRET\"")
          .Append(" | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n\n");
        sb.Append("# 2. The call").Append(sendCompanyHeader ? "" : " (without Procore-Company-Id, as run)").Append('\n');
        sb.Append("curl -i ").Append(Quote(requestUrl.AbsoluteUri)).Append(" \\\n");
        sb.Append("  -H \"Authorization: Bearer $PROCORE_TOKEN\"");
        if (sendCompanyHeader)
        {
            sb.Append(" \\\n  -H ").Append(Quote("Procore-Company-Id: " + companyId.ToString(CultureInfo.InvariantCulture)));
        }

        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>POSIX single quotes: nothing inside is expanded by the shell.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

using System.Globalization;

namespace ProcoreAdmin.Web.Features.ApiConsole;

/// <summary>The allow-listed GET calls the console offers (the client refuses anything else as well).</summary>
public enum ConsoleEndpoint
{
    Me,
    Companies,
    Projects,
    CompanyUsers,
    Offices,
}

public static class ConsoleEndpoints
{
    public static readonly IReadOnlyList<ConsoleEndpoint> All = Enum.GetValues<ConsoleEndpoint>();

    /// <summary>Path and query relative to the API base. Only ids and paging go into the query.</summary>
    public static string PathFor(ConsoleEndpoint endpoint, long companyId)
    {
        var id = companyId.ToString(CultureInfo.InvariantCulture);
        return endpoint switch
        {
            ConsoleEndpoint.Me => "/rest/v1.0/me",
            ConsoleEndpoint.Companies => "/rest/v1.0/companies",
            ConsoleEndpoint.Projects => $"/rest/v1.1/projects?company_id={id}&page=1&per_page=10",
            ConsoleEndpoint.CompanyUsers => $"/rest/v1.3/companies/{id}/users?page=1&per_page=10",
            ConsoleEndpoint.Offices => $"/rest/v1.0/offices?company_id={id}",
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "Unknown console call."),
        };
    }

    public static string Title(ConsoleEndpoint endpoint) => endpoint switch
    {
        ConsoleEndpoint.Me => "GET /rest/v1.0/me — who the service account is",
        ConsoleEndpoint.Companies => "GET /rest/v1.0/companies — companies where the app is installed",
        ConsoleEndpoint.Projects => "GET /rest/v1.1/projects — first 10 projects",
        ConsoleEndpoint.CompanyUsers => "GET /rest/v1.3/companies/{id}/users — first 10 company users",
        ConsoleEndpoint.Offices => "GET /rest/v1.0/offices — offices",
        _ => endpoint.ToString(),
    };
}

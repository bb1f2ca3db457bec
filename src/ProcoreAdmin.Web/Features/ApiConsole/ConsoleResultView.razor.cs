using Microsoft.AspNetCore.Components;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Web.Features.ApiConsole;

/// <summary>One console result: <see cref="ConsoleResultSummary"/>, <see cref="ConsoleResponseTabs"/> and <see cref="ConsoleCurl"/>.</summary>
public partial class ConsoleResultView
{
    [Parameter, EditorRequired]
    public ConsoleResult Result { get; set; } = default!;

    /// <summary>"rate-limit" for X-Rate-Limit-* and Retry-After, "request-id" for X-Request-Id, else null.</summary>
    public static string? Highlight(string headerName) =>
        headerName.StartsWith("X-Rate-Limit-", StringComparison.OrdinalIgnoreCase) || headerName.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)
            ? "rate-limit"
            : headerName.Equals("X-Request-Id", StringComparison.OrdinalIgnoreCase) ? "request-id" : null;

    public static string Headline(ProcoreErrorKind kind) => kind switch
    {
        ProcoreErrorKind.MissingCompanyHeader => "Missing Procore-Company-Id header",
        ProcoreErrorKind.AppNotConnected => "The app is not connected to this company",
        ProcoreErrorKind.InvalidClient => "Invalid client id or secret",
        ProcoreErrorKind.RateLimited => "Rate limited",
        ProcoreErrorKind.ServerError => "Procore server error",
        ProcoreErrorKind.Timeout => "Procore did not answer in time",
        ProcoreErrorKind.MalformedResponse => "Procore's answer could not be read",
        _ => kind.ToString(),
    };

    internal static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0} ms";
}

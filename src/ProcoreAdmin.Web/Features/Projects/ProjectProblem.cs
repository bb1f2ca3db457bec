using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>An error shown on the projects page; the circuit carries on.</summary>
public sealed record ProjectProblem(string Title, string Explanation, string? Detail, string? RequestId)
{
    /// <summary>Plain words for a failed Procore call, an unreadable secret or a request the service rejected.</summary>
    public static ProjectProblem From(Exception ex) => ex switch
    {
        ProcoreApiException p => new ProjectProblem(
            p.StatusCode is { } status ? $"Procore answered {status} ({p.Kind})" : $"The call to Procore failed ({p.Kind})",
            p.Explanation, p.ProcoreMessage, p.RequestId),
        CredentialUnreadableException => new ProjectProblem("The credential's secret cannot be read", ex.Message, null, null),
        _ => new ProjectProblem("The request was not valid", ex.Message, null, null),
    };

    /// <summary>A refusal (role, re-authentication) with the message <c>UserActions</c> gave.</summary>
    public static ProjectProblem NotAllowed(string message) => new("Not allowed", message, null, null);
}

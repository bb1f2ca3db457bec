using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>
/// <c>GET /projects/export/{token}</c>: streams a finished projects export from its file (never through the circuit).
/// The token is random, works once, and only for the Operator who started the export; the file is deleted as it is
/// sent. <c>Cache-Control: no-store</c>.
/// </summary>
public static class ProjectsExportEndpoint
{
    public const string Prefix = "/projects/export/";

    public static string PathFor(string token) => Prefix + Uri.EscapeDataString(token);

    public static WebApplication MapProjects(this WebApplication app)
    {
        app.MapGet(Prefix + "{token}", (string token, HttpContext http, ProjectExportStore store) =>
            {
                var actor = StaffActor.From(http.User);
                var job = token.Length == 32 ? store.TakeDownload(token, actor.Issuer, actor.Subject) : null;
                http.Response.Headers.CacheControl = "no-store";
                if (job is null || !File.Exists(job.FilePath))
                {
                    return Results.NotFound("This download link was already used, has expired, or belongs to someone else.");
                }

                return Results.Stream(ProjectExportStore.OpenForDownload(job), "text/csv; charset=utf-8", job.FileName);
            })
            .RequireAuthorization(StaffRoles.Policies.Operate);
        return app;
    }

}

using Microsoft.AspNetCore.Components.Authorization;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Audit;

public static class AuditFeature
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<ISignInAuditor, SignInAuditor>();
        builder.Services.AddScoped<AuditService>();
        return builder;
    }

    /// <summary>CSV export of the audit trail (a file download; Viewer and up, the export itself is audited).</summary>
    public static WebApplication MapAudit(this WebApplication app)
    {
        app.MapGet("/audit/export.csv", async (HttpContext http, AuditService service, AuthenticationStateProvider auth, string? actor, string? action, string? target, string? outcome,
                DateTime? from, DateTime? to) =>
            {
                // Outside a component render the framework does not set the authentication state; the service reads it.
                if (auth is IHostEnvironmentAuthenticationStateProvider host)
                {
                    host.SetAuthenticationState(Task.FromResult(new AuthenticationState(http.User)));
                }

                var csv = await service.ExportCsvAsync(new AuditFilter(from?.ToUniversalTime(), to?.ToUniversalTime(), actor, action, target, outcome), http.RequestAborted);
                http.Response.Headers.CacheControl = "no-store";
                return Results.File(CsvCell.Utf8WithBom(csv), "text/csv; charset=utf-8", "procoreadmin-audit.csv");
            })
            .RequireAuthorization(StaffRoles.Policies.Staff);
        return app;
    }
}

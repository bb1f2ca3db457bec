using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Audit;

public static class AuditFeature
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>().Bind(builder.Configuration.GetSection(AuditOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<SignInAuditor>();
        builder.Services.AddSingleton<ISignInAuditor>(sp => sp.GetRequiredService<SignInAuditor>());
        builder.Services.AddSingleton<IStaffSecurityAuditor>(sp => sp.GetRequiredService<SignInAuditor>());
        builder.Services.AddSingleton<ProcoreAdmin.Web.Hosting.Outbound.IOutboundRefusalRecorder, OutboundRefusalAuditor>();
        builder.Services.AddScoped<AuditService>();

        // Tamper-evident trail: every row is sealed into a keyed hash chain as it is saved (whichever feature writes it).
        builder.Services.AddSingleton<AuditChainKey>();
        builder.Services.AddSingleton<AuditChainInterceptor>();
        builder.Services.AddSingleton<AuditChainVerifier>();
        builder.Services.AddSingleton<AuditChainStatus>();
        builder.Services.ConfigureDbContext<AppDbContext>((sp, db) => db.AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()), ServiceLifetime.Singleton);
        builder.Services.AddHostedService<AuditChainStartup>();
        builder.Services.AddScheduledJob<VerifyAuditChainJob>(VerifyAuditChainJob.Kind, "Audit trail integrity check", "50 2 * * *",
            "Walks the audit trail's keyed hash chain: reports \"intact\" or the first altered, deleted or re-ordered row.", (job, ct) => job.RunAsync(ct));
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

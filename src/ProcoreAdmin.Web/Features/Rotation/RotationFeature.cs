using Microsoft.Extensions.Options;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Rotation;

public static class RotationFeature
{
    public static WebApplicationBuilder AddRotation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RotationOptions>()
            .Bind(builder.Configuration.GetSection(RotationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RotationOptions>, RotationOptionsValidator>();
        builder.Services.AddScoped<RotationEngine>();
        builder.Services.AddSingleton<RotationStateReader>();
        builder.Services.AddSingleton<IRotationStateReader>(sp => sp.GetRequiredService<RotationStateReader>());
        builder.Services.AddScoped<RotationService>();
        builder.Services.AddScoped<IRotationDueList>(sp => sp.GetRequiredService<RotationService>());
        builder.Services.AddScheduledJob<ScanRotationRemindersJob>(MaintenanceJobKinds.RotationReminderScan, "Rotation reminder scan",
            "0 7 * * *", "Reminds owners 30/14/7/1 days before a rotation is due, on the day, and when overdue (once per stage).", (job, ct) => job.RunAsync(ct));

        return builder;
    }

    /// <summary>Evidence export: <c>/rotation/{id}/evidence.json</c> and <c>.csv</c> (Admins; the service checks and audits).</summary>
    public static WebApplication MapRotation(this WebApplication app)
    {
        app.MapGet("/rotation/{runId:long}/evidence.{format:regex(^(json|csv)$)}", async (long runId, string format, HttpContext http, RotationService rotation, CancellationToken ct) =>
            {
                // Outside a circuit the Blazor authentication state comes from the request's user.
                if (http.RequestServices.GetService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>()
                    is Microsoft.AspNetCore.Components.Authorization.IHostEnvironmentAuthenticationStateProvider host)
                {
                    host.SetAuthenticationState(Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(http.User)));
                }

                try
                {
                    var (name, type, content) = await rotation.ExportAsync(runId, format, ct);
                    http.Response.Headers.CacheControl = "no-store";
                    return Results.File(content, type, name);
                }
                catch (StaffForbiddenException)
                {
                    return Results.Forbid();
                }
                catch (RotationStepException)
                {
                    return Results.NotFound();
                }
            })
            .RequireAuthorization(StaffRoles.Policies.Administer);
        return app;
    }
}

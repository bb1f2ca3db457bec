using MudBlazor;
using MudBlazor.Services;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>Blazor Server with MudBlazor; circuit limits set explicitly; detailed errors only in Development.</summary>
public static class UserInterfaceSetup
{
    public static WebApplicationBuilder AddUserInterface(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents(o =>
            {
                o.DetailedErrors = development;
                o.DisconnectedCircuitMaxRetained = 100;
                o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
                o.JSInteropDefaultCallTimeout = TimeSpan.FromMinutes(1);
                o.MaxBufferedUnacknowledgedRenderBatches = 10;
            })
            .AddHubOptions(o =>
            {
                o.MaximumReceiveMessageSize = 64 * 1024;
                o.EnableDetailedErrors = development;
            });
        builder.Services.AddOptions<InteractivityOptions>().Bind(builder.Configuration.GetSection(InteractivityOptions.SectionName));
        builder.Services.AddMudServices(o => ConfigureSnackbars(o.SnackbarConfiguration));
        builder.Services.AddScoped<SnackbarTimeLimit>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, SnackbarTimeLimitCircuitHandler>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<CurrentStaff>();
        builder.Services.AddScoped<BrowserTimeZone>();
        builder.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        return builder;
    }

    /// <summary>
    /// Snackbars sit bottom left, clear of the page actions (Verify now, Edit) at the top right, carry a close button and
    /// go after 4 s; <see cref="SnackbarTimeLimit"/> closes them even while hovered.
    /// </summary>
    public static void ConfigureSnackbars(SnackbarConfiguration snackbars)
    {
        snackbars.PositionClass = Defaults.Classes.Position.BottomLeft;
        snackbars.VisibleStateDuration = 4000;
        snackbars.ShowCloseIcon = true;
        snackbars.PreventDuplicates = true;
    }

    public static WebApplication UseErrorPages(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        return app;
    }
}

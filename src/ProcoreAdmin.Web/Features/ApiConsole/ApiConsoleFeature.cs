using ProcoreAdmin.Web.Features.Projects;

namespace ProcoreAdmin.Web.Features.ApiConsole;

public static class ApiConsoleFeature
{
    public static WebApplicationBuilder AddApiConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ApiConsoleService>();
        SimulatorDemoCredentialDirectory.TryRegister(builder);
        return builder;
    }
}

namespace ProcoreAdmin.Web.Features.ApiConsole;

public static class ApiConsoleFeature
{
    public static WebApplicationBuilder AddApiConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ApiConsoleService>();
        return builder;
    }
}

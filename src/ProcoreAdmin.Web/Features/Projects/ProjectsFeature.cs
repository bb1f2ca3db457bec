namespace ProcoreAdmin.Web.Features.Projects;

public static class ProjectsFeature
{
    public static WebApplicationBuilder AddProjects(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProjectBrowserService>();
        builder.Services.AddScoped<ProjectExportService>();
        builder.Services.AddScoped<ProjectsPageService>();
        builder.Services.AddSingleton<ProjectExportStore>();
        return builder;
    }
}

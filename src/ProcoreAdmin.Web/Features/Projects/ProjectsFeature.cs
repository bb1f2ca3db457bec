namespace ProcoreAdmin.Web.Features.Projects;

public static class ProjectsFeature
{
    public static WebApplicationBuilder AddProjects(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProjectBrowserService>();
        return builder;
    }
}

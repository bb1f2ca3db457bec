namespace ProcoreAdmin.Web.Features.Companies;

public static class CompaniesFeature
{
    public static WebApplicationBuilder AddCompanies(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CompaniesService>();
        return builder;
    }
}

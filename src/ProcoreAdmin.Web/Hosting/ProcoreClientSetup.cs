using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>The typed Procore client (section <c>Procore</c>), shared by every feature that calls Procore.</summary>
public static class ProcoreClientSetup
{
    public static WebApplicationBuilder AddProcore(this WebApplicationBuilder builder)
    {
        builder.Services.AddProcoreClient();
        builder.Services.AddOptions<ProcoreClientOptions>().Bind(builder.Configuration.GetSection(ProcoreClientOptions.SectionName));
        return builder;
    }
}

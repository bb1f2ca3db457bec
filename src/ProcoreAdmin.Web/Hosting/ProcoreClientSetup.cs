using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Hosting.Outbound;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>The typed Procore client (section <c>Procore</c>), shared by every feature that calls Procore.</summary>
public static class ProcoreClientSetup
{
    public static WebApplicationBuilder AddProcore(this WebApplicationBuilder builder)
    {
        builder.Services.AddProcoreClient();
        builder.Services.AddOptions<ProcoreClientOptions>().Bind(builder.Configuration.GetSection(ProcoreClientOptions.SectionName));

        // Custom environments (explicit base URLs) are for the development simulator; elsewhere they are off unless the
        // operator turns them on (ProcoreClient:AllowCustomEnvironment=true, with the proxy host in Outbound:AllowedHosts).
        if (builder.Configuration[$"{ProcoreClientOptions.SectionName}:{nameof(ProcoreClientOptions.AllowCustomEnvironment)}"] is null)
        {
            var development = builder.Environment.IsDevelopment();
            builder.Services.Configure<ProcoreClientOptions>(o => o.AllowCustomEnvironment = development);
        }

        builder.Services.AddHttpClient(ProcoreAdmin.ProcoreClient.ProcoreClient.HttpClientName)
            .UseOutboundPolicy(refused => new ProcoreApiException(ProcoreErrorKind.RequestNotAllowed, "Request refused before sending: " + refused.Message, refused));
        return builder;
    }
}

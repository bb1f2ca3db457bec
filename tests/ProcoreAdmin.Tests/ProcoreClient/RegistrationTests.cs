using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class RegistrationTests
{
    [Fact]
    public void AddProcoreClient_RegistersSingletonClientAndSystemClock()
    {
        var services = new ServiceCollection().AddLogging().AddProcoreClient();
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IProcoreClient>();

        Assert.Same(client, provider.GetRequiredService<IProcoreClient>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddProcoreClient_InvalidOptions_FailValidation()
    {
        var services = new ServiceCollection().AddLogging().AddProcoreClient(o =>
        {
            o.MaxTokenRefreshSkewFraction = 2;
            o.RequestTimeout = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ProcoreClientOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("MaxTokenRefreshSkewFraction"));
        Assert.Contains(ex.Failures, f => f.Contains("RequestTimeout"));
    }

    [Fact]
    public void DefaultOptions_AreValid()
    {
        Assert.True(new ProcoreClientOptionsValidator().Validate(null, new ProcoreClientOptions()).Succeeded);
    }
}

using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Tests.Web.Architecture;

public sealed class SharedPiecesTests
{
    private sealed class SampleJob
    {
        public Task<string> RunAsync() => Task.FromResult("ran");
    }

    [Fact]
    public void AddScheduledJob_SameKindRegisteredTwice_StopsWithAClearMessage()
    {
        var services = new ServiceCollection();
        services.AddScheduledJob<SampleJob>("sample-kind", "Sample", "0 * * * *", "Sample job.", (job, _) => job.RunAsync());

        var error = Assert.Throws<InvalidOperationException>(() =>
            services.AddScheduledJob<SampleJob>("sample-kind", "Sample", "0 * * * *", "Sample job.", (job, _) => job.RunAsync()));
        Assert.Contains("'sample-kind'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCredentialJobs_RegistersKeyReprotectOnce_WithItsStoredKind()
    {
        var services = new ServiceCollection();
        services.AddCredentialJobs();

        var definition = Assert.Single(services, d => d.ServiceType == typeof(ScheduledJobDefinition));
        Assert.Equal("reprotect-secrets", ((ScheduledJobDefinition)definition.ImplementationInstance!).Kind);
        Assert.Single(services, d => d.ServiceType == typeof(ReprotectSecretsJob));
    }

    [Theory]
    [InlineData(7, SecretSlot.Current, "7:Current")]
    [InlineData(42, SecretSlot.Pending, "42:Pending")]
    public void CredentialTokenKey_ForIdAndSlot_IsTheStoredCacheKeyFormat(long id, SecretSlot slot, string expected)
    {
        Assert.Equal(expected, CredentialTokenKeys.For(id, slot));
    }
}

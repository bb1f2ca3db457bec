using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Maintenance;

namespace ProcoreAdmin.Tests.Web.Features.Maintenance;

public sealed class EvictUnusableTokensJobTests
{
    [Fact]
    public async Task Run_DropsTokensOfUnusableCredentialsAndIdlePendingSlots_KeepsLiveOnes()
    {
        var registry = new FakeCredentialRegistry(new FakeTimeProvider());
        registry.Add(new FakeCredential { Id = 1, Status = CredentialStatus.Active });
        registry.Add(new FakeCredential { Id = 2, Status = CredentialStatus.Rotating, Pending = "pending-secret" });
        registry.Add(new FakeCredential { Id = 3, Status = CredentialStatus.Retired });
        registry.Add(new FakeCredential { Id = 4, Status = CredentialStatus.SuspectedCompromise });
        registry.Add(new FakeCredential { Id = 5, Status = CredentialStatus.Down });
        var procore = new RecordingProcoreClient();

        var summary = await new EvictUnusableTokensJob(registry, procore).RunAsync(CancellationToken.None);

        Assert.Equal(
            ["1:Pending", "3:Current", "3:Pending", "4:Current", "4:Pending", "5:Current", "5:Pending"],
            procore.Forgotten.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("1:Current", procore.Forgotten);
        Assert.DoesNotContain("2:Pending", procore.Forgotten);
        Assert.Equal(0, registry.Decryptions);
        Assert.StartsWith("Dropped cached tokens for 7 unusable slot(s) across 5 credential set(s)", summary, StringComparison.Ordinal);
    }
}

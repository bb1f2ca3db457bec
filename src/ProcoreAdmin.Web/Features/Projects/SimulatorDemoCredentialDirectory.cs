using Microsoft.Extensions.DependencyInjection.Extensions;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>
/// TEMPORARY, DEVELOPMENT ONLY. Serves the Procore simulator's demo app ("ProcoreAdmin Demo") as the only credential
/// set until the real credential registry (issue 4) is merged; it is registered only when no other
/// <see cref="ICredentialDirectory"/> is (TryAdd) and only in Development. Remove this file and
/// <see cref="TryRegister"/>'s calls when the registry lands. The secret is the simulator's published fake demo secret.
/// </summary>
public sealed class SimulatorDemoCredentialDirectory(DevelopmentCompanions companions) : ICredentialDirectory
{
    public const long DemoCredentialId = 1;
    public const string DemoClientId = "procoreadmin-demo-client";
    private const string DemoSecret = "FAKE-procoreadmin-demo-secret-not-real";

    private static readonly CompanyOption[] Companies =
    [
        new(5_000_000_001, "Northwind Builders", ProcoreEnvironment.Custom),
        new(5_000_000_002, "Contoso Construction", ProcoreEnvironment.Custom),
        new(5_000_000_003, "Fabrikam Fabricators", ProcoreEnvironment.Custom),
    ];

    private static readonly CredentialOption Demo = new(
        DemoCredentialId, "ProcoreAdmin Demo (simulator)", ProcoreEnvironment.Custom, DemoClientId, CredentialStatus.Active,
        [5_000_000_001, 5_000_000_002]);

    public static void TryRegister(WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.TryAddScoped<ICredentialDirectory, SimulatorDemoCredentialDirectory>();
        }
    }

    private bool Available => companions.Simulator is not null;

    public Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CompanyOption>>(Available ? Companies : []);

    public Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CredentialOption>>(
            Available && (procoreCompanyId is null || Demo.InstalledCompanyIds.Contains(procoreCompanyId.Value)) ? [Demo] : []);

    public Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default) =>
        Task.FromResult(Available && credentialId == DemoCredentialId ? Demo : null);

    public Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CredentialRotationInfo>>([]);

    public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current)
    {
        var simulator = companions.Simulator?.BaseAddress
                        ?? throw new InvalidOperationException("The Procore simulator is not running.");
        return new ProcoreCredential($"{credential.CredentialId}:{slot}", ProcoreEnvironment.Custom, credential.ClientId,
            _ => ValueTask.FromResult(DemoSecret), simulator, simulator);
    }
}

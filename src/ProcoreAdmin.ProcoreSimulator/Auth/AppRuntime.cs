using System.Security.Cryptography;
using System.Text;

namespace ProcoreAdmin.ProcoreSimulator.Auth;

/// <summary>A registered app (a DMSA credential) with its current secret and its company installations.</summary>
internal sealed class AppRuntime
{
    private readonly Lock _gate = new();
    private byte[] _secretUtf8;
    private int _secretVersion;

    public AppRuntime(AppSeed seed, int index)
    {
        Name = seed.Name;
        ClientId = seed.ClientId;
        Environment = seed.Environment;
        _secretUtf8 = Encoding.UTF8.GetBytes(seed.ClientSecret);
        ServiceUserId = 9_000_000_000L + index + 1;
        ServiceUserLogin = $"{Data.DataGenerator.Slug(seed.ClientId)}@service-account.procore-simulator.example";
        ServiceUserName = $"{seed.Name} (Service Account)";
        Installations = (seed.Installations ?? []).ToDictionary(
            i => i.CompanyId,
            i => new InstallationData(i.CompanyId, i.PermittedProjectIds is null ? null : [.. i.PermittedProjectIds]));
    }

    public string Name { get; }

    public string ClientId { get; }

    public SimulatorEnvironment Environment { get; }

    public long ServiceUserId { get; }

    public string ServiceUserLogin { get; }

    public string ServiceUserName { get; }

    public IReadOnlyDictionary<long, InstallationData> Installations { get; }

    public int SecretVersion => Volatile.Read(ref _secretVersion);

    public bool SecretMatches(string? candidate, out int version)
    {
        lock (_gate)
        {
            version = _secretVersion;
            if (candidate is null)
            {
                return false;
            }

            var bytes = Encoding.UTF8.GetBytes(candidate);
            return CryptographicOperations.FixedTimeEquals(bytes, _secretUtf8);
        }
    }

    /// <summary>Replaces the secret: the old one and every token minted with it stop working at once.</summary>
    public string RotateSecret()
    {
        var secret = "sim-secret-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_gate)
        {
            _secretUtf8 = Encoding.UTF8.GetBytes(secret);
            _secretVersion++;
        }

        return secret;
    }
}

internal sealed class InstallationData(long companyId, HashSet<long>? permittedProjectIds)
{
    public long CompanyId { get; } = companyId;

    /// <summary>null = all projects.</summary>
    public HashSet<long>? PermittedProjectIds { get; } = permittedProjectIds;

    public bool IsPermitted(long projectId) => PermittedProjectIds is null || PermittedProjectIds.Contains(projectId);
}

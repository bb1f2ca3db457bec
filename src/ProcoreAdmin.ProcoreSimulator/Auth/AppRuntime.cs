using System.Security.Cryptography;
using System.Text;

namespace ProcoreAdmin.ProcoreSimulator.Auth;

/// <summary>A registered app (a DMSA credential) with its current secret and its company installations.</summary>
internal sealed class AppRuntime
{
    private readonly Lock _gate = new();
    private readonly List<(byte[] Secret, DateTimeOffset RotatedAt)> _secrets = [];
    private byte[] _secretUtf8;
    private int _secretVersion;
    private int _monthlyRefreshedVersion;

    public AppRuntime(AppSeed seed, int index)
    {
        Name = seed.Name;
        ClientId = seed.ClientId;
        Environment = seed.Environment;
        _secretUtf8 = Encoding.UTF8.GetBytes(seed.ClientSecret);
        _secrets.Add((_secretUtf8, DateTimeOffset.MinValue));
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

    /// <summary>
    /// Whether this app's credentials work in <paramref name="environment"/>: its own environment, and for a production
    /// app also the monthly sandbox (which accepts the production client id and secret).
    /// </summary>
    public bool ServesIn(SimulatorEnvironment environment) =>
        environment == Environment || (Environment == SimulatorEnvironment.Production && environment == SimulatorEnvironment.MonthlySandbox);

    /// <summary>
    /// The secret version <paramref name="environment"/> accepts at <paramref name="now"/>. The monthly sandbox follows a
    /// production reset after <paramref name="monthlyDelaySeconds"/> (-1: only after <see cref="RefreshMonthly"/>).
    /// </summary>
    public int VersionIn(SimulatorEnvironment environment, DateTimeOffset now, int monthlyDelaySeconds)
    {
        lock (_gate)
        {
            if (environment == Environment)
            {
                return _secretVersion;
            }

            var version = _monthlyRefreshedVersion;
            if (monthlyDelaySeconds >= 0)
            {
                for (var v = _secretVersion; v > version; v--)
                {
                    if (_secrets[v].RotatedAt.AddSeconds(monthlyDelaySeconds) <= now)
                    {
                        version = v;
                        break;
                    }
                }
            }

            return version;
        }
    }

    /// <summary>The monthly sandbox's refresh: from now on it accepts the current production secret.</summary>
    public void RefreshMonthly()
    {
        lock (_gate)
        {
            _monthlyRefreshedVersion = _secretVersion;
        }
    }

    /// <summary>Compares with the secret <paramref name="environment"/> accepts now (see <see cref="VersionIn"/>).</summary>
    public bool SecretMatches(string? candidate, SimulatorEnvironment environment, DateTimeOffset now, int monthlyDelaySeconds, out int version)
    {
        version = VersionIn(environment, now, monthlyDelaySeconds);
        if (candidate is null)
        {
            return false;
        }

        byte[] secret;
        lock (_gate)
        {
            secret = _secrets[version].Secret;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), secret);
    }

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
    public string RotateSecret(DateTimeOffset now)
    {
        var secret = "sim-secret-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_gate)
        {
            _secretUtf8 = Encoding.UTF8.GetBytes(secret);
            _secretVersion++;
            _secrets.Add((_secretUtf8, now));
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

using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Projects;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// The product's projects export as the Export button runs it: <see cref="ProjectExportService"/> with the typed client
/// registered as the app registers it, the export store (temporary CSV files), the audit trail on a migrated SQLite file,
/// a signed-in operator, and a credential directory holding one credential for the benchmark app on the simulator. The
/// finished file is read back through the one-time download, as the download endpoint streams it.
/// </summary>
internal sealed class ExportHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _folder;

    private ExportHarness(ServiceProvider services, string folder, Directory directory)
    {
        _services = services;
        _folder = folder;
        Credentials = directory;
    }

    public Directory Credentials { get; }

    public IProcoreClient Client => _services.GetRequiredService<IProcoreClient>();

    public ProcoreCredential ProcoreCredential => Credentials.ToProcoreCredential(Credentials.Option);

    public static async Task<ExportHarness> CreateAsync(BenchmarkSimulator sim, string key, Action<ProcoreClientOptions>? client = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "procoreadmin-bench-export-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(folder);
        var directory = new Directory(sim, key);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddProcoreClient(client);
        services.AddSingleton(TimeProvider.System);
        services.AddDbContextFactory<AppDbContext>(o =>
            DatabaseSetup.Configure(o, new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(folder, "bench.db")}" }, folder));
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<ICredentialDirectory>(directory);
        services.AddScoped<AuthenticationStateProvider, OperatorState>();
        services.AddScoped(sp => new CurrentStaff(sp.GetRequiredService<AuthenticationStateProvider>()));
        services.AddSingleton<ProjectExportStore>();
        services.AddScoped<ProjectExportService>();
        var provider = services.BuildServiceProvider();
        await using (var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }

        return new ExportHarness(provider, folder, directory);
    }

    /// <summary>Runs the export of every project of <paramref name="companyId"/> and returns its job and the downloaded ids.</summary>
    public async Task<(ProjectExportJob Job, List<long> Ids)> ExportAsync(long companyId, IProgress<ProjectExportProgress>? progress, CancellationToken ct)
    {
        await using var scope = _services.CreateAsyncScope();
        var exports = scope.ServiceProvider.GetRequiredService<ProjectExportService>();
        var run = await exports.StartAsync(Credentials.Option, new ProjectExportRequest(Credentials.Option.CredentialId, companyId, null, ProjectStatusFilter.All), progress, ct);
        var store = _services.GetRequiredService<ProjectExportStore>();
        var job = store.TakeDownload(run.Job.DownloadToken ?? throw new InvalidOperationException("The export did not complete."), OperatorState.Issuer, OperatorState.Subject)
                  ?? throw new InvalidOperationException("The download was refused.");
        var ids = new List<long>();
        await using (var stream = ProjectExportStore.OpenForDownload(job))
        using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            var header = await reader.ReadLineAsync(ct);
            if (header != ProjectCsv.Header)
            {
                throw new InvalidOperationException("Unexpected CSV header: " + header);
            }

            while (await reader.ReadLineAsync(ct) is { } line)
            {
                ids.Add(long.Parse(line.AsSpan(0, line.IndexOf(',', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return (job, ids);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One credential set for the benchmark app, installed in the benchmark companies.</summary>
    internal sealed class Directory(BenchmarkSimulator sim, string key) : ICredentialDirectory
    {
        public CredentialOption Option { get; } = new(1, "Benchmark app", ProcoreEnvironment.Custom, BenchmarkSimulator.ClientId,
            CredentialStatus.Active, [BenchmarkSimulator.CompanyId, BenchmarkSimulator.SmallCompanyId], sim.BaseAddress, sim.BaseAddress);

        public Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<CompanyOption>>([new(BenchmarkSimulator.CompanyId, "Northwind Builders", ProcoreEnvironment.Custom)]);

        public Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<CredentialOption>>([Option]);

        public Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default) =>
            Task.FromResult(credentialId == Option.CredentialId ? Option : null);

        public Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<CredentialRotationInfo>>([]);

        public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current) => sim.Credential(key);
    }

    /// <summary>A signed-in operator (what the Export button requires).</summary>
    private sealed class OperatorState : AuthenticationStateProvider
    {
        public const string Issuer = "https://bench-idp";
        public const string Subject = "bench-operator";

        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
                [
                    new Claim("sub", Subject), new Claim("iss", Issuer), new Claim("name", "Benchmark Operator"),
                    new Claim(StaffRoles.ClaimType, StaffRoles.Viewer), new Claim(StaffRoles.ClaimType, StaffRoles.Operator),
                ],
                "bench", "name", StaffRoles.ClaimType))));
    }
}

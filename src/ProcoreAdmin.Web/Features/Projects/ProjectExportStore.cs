using System.Collections.Concurrent;
using System.Security.Cryptography;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Projects;

/// <summary>
/// What an export reads: the company, the credential, the grid's search and status filter, and the environment on screen
/// (<paramref name="Target"/>: production, or the monthly sandbox of a set that covers it). Kept with the export, so a
/// resume and the one-time download are of the same environment.
/// </summary>
public sealed record ProjectExportRequest(long CredentialId, long ProcoreCompanyId, string? Name, ProjectStatusFilter Status,
    CredentialTarget Target = CredentialTarget.Primary);

/// <summary>
/// One projects export: the rows fetched so far live in a temporary file (so the server holds at most one page in
/// memory), and <see cref="NextPage"/> is where it carries on after an interruption. Once complete it gets a one-time
/// download token for <c>GET /projects/export/{token}</c>, bound to the person who started it.
/// </summary>
public sealed class ProjectExportJob
{
    internal ProjectExportJob(string id, string ownerIssuer, string ownerSubject, ProjectExportRequest request, string filePath, DateTimeOffset createdAt)
    {
        Id = id;
        OwnerIssuer = ownerIssuer;
        OwnerSubject = ownerSubject;
        Request = request;
        FilePath = filePath;
        CreatedAt = createdAt;
    }

    public string Id { get; }

    public string OwnerIssuer { get; }

    public string OwnerSubject { get; }

    public ProjectExportRequest Request { get; }

    internal string FilePath { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The next Procore page to fetch (1-based).</summary>
    public int NextPage { get; internal set; } = 1;

    public long Rows { get; internal set; }

    public long? TotalRows { get; internal set; }

    public bool Completed { get; internal set; }

    /// <summary>Set once the export is complete; cleared when the file has been downloaded.</summary>
    public string? DownloadToken { get; internal set; }

    public string FileName { get; internal set; } = "projects.csv";

    /// <summary>Serialises runs of the same export (a resume never overlaps the run it resumes).</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);
}

/// <summary>
/// The exports in progress or waiting for download (singleton). Files live in a private temporary folder and are
/// deleted after download, when an export is discarded, or after <see cref="Lifetime"/>.
/// </summary>
public sealed class ProjectExportStore : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    private readonly ConcurrentDictionary<string, ProjectExportJob> _jobs = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string _folder;

    public ProjectExportStore(TimeProvider time)
    {
        _time = time;
        _folder = Path.Combine(Path.GetTempPath(), "procoreadmin-exports-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(_folder);
    }

    public ProjectExportJob Create(string ownerIssuer, string ownerSubject, ProjectExportRequest request)
    {
        Sweep();
        var id = NewToken();
        var job = new ProjectExportJob(id, ownerIssuer, ownerSubject, request, Path.Combine(_folder, id + ".csv"), _time.GetUtcNow());
        _jobs[id] = job;
        return job;
    }

    public ProjectExportJob? Find(string id) => _jobs.TryGetValue(id, out var job) ? job : null;

    /// <summary>Marks the export complete and issues its one-time download token.</summary>
    public string IssueDownload(ProjectExportJob job)
    {
        job.Completed = true;
        job.DownloadToken = NewToken();
        return job.DownloadToken;
    }

    /// <summary>
    /// Takes the export for download: only with its token, only once, and only by the person who started it.
    /// The caller streams <see cref="OpenForDownload"/> and the file is deleted when that stream is closed.
    /// </summary>
    public ProjectExportJob? TakeDownload(string token, string issuer, string subject)
    {
        var job = _jobs.Values.FirstOrDefault(j => j.DownloadToken is { } t
            && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(t), System.Text.Encoding.ASCII.GetBytes(token)));
        if (job is null || job.OwnerIssuer != issuer || job.OwnerSubject != subject || !_jobs.TryRemove(job.Id, out _))
        {
            return null;
        }

        job.DownloadToken = null;
        return job;
    }

    public static Stream OpenForDownload(ProjectExportJob job) =>
        new FileStream(job.FilePath, FileMode.Open, FileAccess.Read, FileShare.None, 64 * 1024,
            FileOptions.Asynchronous | FileOptions.SequentialScan | FileOptions.DeleteOnClose);

    public void Discard(ProjectExportJob job)
    {
        if (_jobs.TryRemove(job.Id, out _))
        {
            TryDelete(job.FilePath);
        }
    }

    public void Dispose()
    {
        foreach (var job in _jobs.Values)
        {
            TryDelete(job.FilePath);
        }

        _jobs.Clear();
    }

    private void Sweep()
    {
        var cutoff = _time.GetUtcNow() - Lifetime;
        foreach (var job in _jobs.Values.Where(j => j.CreatedAt < cutoff))
        {
            Discard(job);
        }
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

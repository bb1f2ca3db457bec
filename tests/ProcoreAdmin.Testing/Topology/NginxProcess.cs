using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ProcoreAdmin.Tests.Topology;

/// <summary>
/// Debian's nginx (the test command installs it) running the shipped example <c>.deploy/nginx-procoreadmin.conf</c> with
/// the upstream servers and the listen address replaced, in a temp prefix, in the foreground; the access log records
/// which upstream served each request.
/// </summary>
public sealed partial class NginxProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NginxProcess(Process process, string folder, Uri baseAddress)
    {
        _process = process;
        Folder = folder;
        BaseAddress = baseAddress;
    }

    public string Folder { get; }

    public Uri BaseAddress { get; }

    public string AccessLog => Path.Combine(Folder, "access.log");

    public static string Executable => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    public static async Task<NginxProcess> StartAsync(IEnumerable<Uri> upstreams, int port)
    {
        var folder = Directory.CreateTempSubdirectory("procoreadmin-nginx-").FullName;
        var example = await File.ReadAllTextAsync(Path.Combine(AppProcess.RepositoryRoot, ".deploy", "nginx-procoreadmin.conf"));
        var servers = string.Concat(upstreams.Select(u => $"    server {u.Authority} max_fails=1 fail_timeout=10s;\n"));
        var site = UpstreamServers().Replace(example, servers, 1);
        site = site.Replace("listen 80;", $"listen 127.0.0.1:{port};");
        Assert.Contains($"listen 127.0.0.1:{port};", site);
        await File.WriteAllTextAsync(Path.Combine(folder, "site.conf"), site);

        var runAsRoot = Environment.UserName == "root" ? "user root;\n" : "";
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
            {{runAsRoot}}worker_processes 1;
            error_log {{folder}}/error.log warn;
            pid {{folder}}/nginx.pid;
            events { worker_connections 256; }
            http {
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                log_format upstream '$request_method $uri $status $upstream_addr';
                access_log {{folder}}/access.log upstream;
                include {{folder}}/site.conf;
            }
            """);

        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", folder, "-c", Path.Combine(folder, "nginx.conf"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var nginx = new NginxProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited: {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(nginx.BaseAddress, "health/live"));
                if (response.IsSuccessStatusCode)
                {
                    return nginx;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        await nginx.DisposeAsync();
        throw new TimeoutException("nginx did not come up: " + File.ReadAllText(Path.Combine(folder, "error.log")));
    }

    /// <summary>The upstream address of every request nginx logged for <paramref name="pathPrefix"/>.</summary>
    public IReadOnlyList<string> UpstreamsFor(string pathPrefix) =>
        File.ReadAllLines(AccessLog).Select(l => l.Split(' ')).Where(p => p.Length >= 4 && p[1].StartsWith(pathPrefix, StringComparison.Ordinal))
            .Select(p => p[3]).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Temp folder; the OS cleans it.
        }
    }

    [GeneratedRegex(@"(    server [^\n]+\n)+")]
    private static partial Regex UpstreamServers();
}

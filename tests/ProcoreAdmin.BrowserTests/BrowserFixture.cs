using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The real app on Kestrel at 127.0.0.1 (Development: embedded SQLite in a temp folder, DevIdentity and the
/// Procore simulator in-process on free ports) and one headless Debian Chromium driven by Playwright.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("procoreadmin-browser-").FullName;
    private WebApplicationFactory<Program>? _app;
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>The app's clock (and DevIdentity's sign-in clock): real time plus an offset a test may move forward and back.</summary>
    public ShiftableClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("Database:ConnectionString", $"Data Source={Path.Combine(_folder, "procoreadmin.db")}");
            b.UseSetting("DataProtection:KeysPath", Path.Combine(_folder, "keys"));
            b.UseSetting("DevelopmentCompanions:DevIdentityUrl", "http://127.0.0.1:0");
            b.UseSetting("DevelopmentCompanions:SimulatorUrl", "http://127.0.0.1:0");
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
        });
        _app.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _app.StartServer();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString() });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("PROCOREADMIN_CHROMIUM");
        var path = string.IsNullOrWhiteSpace(configured) ? "/usr/bin/chromium" : configured;
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Chromium not found at {path}. Install it (apt-get install chromium) or set PROCOREADMIN_CHROMIUM. The README's test command does this.");
    }
}

/// <summary>Real time shifted by <see cref="Offset"/> (timers keep real time).</summary>
public sealed class ShiftableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

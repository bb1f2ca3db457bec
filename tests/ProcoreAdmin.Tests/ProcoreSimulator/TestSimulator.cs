using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.ProcoreSimulator;

namespace ProcoreAdmin.Tests.ProcoreSimulator;

/// <summary>A simulator on 127.0.0.1 (any free port) with a small seed, a FakeTimeProvider and an HttpClient.</summary>
internal sealed partial class TestSimulator : IAsyncDisposable
{
    public const string ClientId = "test-client";
    public const string SandboxClientId = "sandbox-client";
    public const long Northwind = 5_000_000_001;
    public const long Contoso = 5_000_000_002;
    public const long Fabrikam = 5_000_000_003;
    public const long HarborTower = 7_000_000_001;
    public const long BayBridge = 7_000_000_002;
    public const long ClosedWarehouse = 7_000_000_003;

    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, 500, TimeSpan.Zero);

    private TestSimulator(SimulatorHost host, FakeTimeProvider time, SimulatorSeed seed, string secret, string sandboxSecret)
    {
        Host = host;
        Time = time;
        Seed = seed;
        Secret = secret;
        SandboxSecret = sandboxSecret;
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };
    }

    public SimulatorHost Host { get; }

    public SimulatorState State => Host.State;

    public FakeTimeProvider Time { get; }

    public SimulatorSeed Seed { get; }

    public string Secret { get; }

    public string SandboxSecret { get; }

    public HttpClient Http { get; }

    /// <summary>
    /// Northwind (250 generated projects, 30 users, 3 offices), Contoso (3 explicit projects; the app may see only
    /// Harbor Tower and Closed Warehouse), Fabrikam (app not installed). Limits are generous unless a test lowers them.
    /// </summary>
    public static SimulatorSeed SmallSeed(string secret, string sandboxSecret) => new()
    {
        RandomSeed = 42,
        RateLimits = new RateLimitSeed { Hourly = 100_000, Spike = 10_000 },
        Companies =
        [
            new CompanySeed
            {
                Id = Northwind, Name = "Northwind Builders",
                Projects = SeedList<ProjectSeed>.Generated(250),
                Users = SeedList<UserSeed>.Generated(30),
                Offices = SeedList<OfficeSeed>.Generated(3),
            },
            new CompanySeed
            {
                Id = Contoso, Name = "Contoso Construction",
                Projects = SeedList<ProjectSeed>.Of(
                    new ProjectSeed { Id = HarborTower, Name = "Harbor Tower", UpdatedAt = new DateTimeOffset(2024, 3, 10, 8, 0, 0, TimeSpan.Zero) },
                    new ProjectSeed { Id = BayBridge, Name = "Bay Bridge Retrofit", UpdatedAt = new DateTimeOffset(2024, 6, 1, 8, 0, 0, TimeSpan.Zero) },
                    new ProjectSeed { Id = ClosedWarehouse, Name = "Closed Warehouse", Active = false, UpdatedAt = new DateTimeOffset(2023, 1, 1, 8, 0, 0, TimeSpan.Zero) }),
            },
            new CompanySeed { Id = Fabrikam, Name = "Fabrikam Fabricators", Projects = SeedList<ProjectSeed>.Generated(5) },
        ],
        Apps =
        [
            new AppSeed
            {
                Name = "Test App", ClientId = ClientId, ClientSecret = secret,
                Installations =
                [
                    new InstallationSeed { CompanyId = Northwind },
                    new InstallationSeed { CompanyId = Contoso, PermittedProjectIds = [HarborTower, ClosedWarehouse] },
                ],
            },
            new AppSeed
            {
                Name = "Sandbox App", ClientId = SandboxClientId, ClientSecret = sandboxSecret,
                Environment = SimulatorEnvironment.DeveloperSandbox,
                Installations = [new InstallationSeed { CompanyId = Northwind }],
            },
        ],
    };

    public static async Task<TestSimulator> StartAsync(Action<SimulatorSeed>? configure = null)
    {
        var secret = "TESTSECRET-" + Guid.NewGuid().ToString("N");
        var sandboxSecret = "TESTSECRET-" + Guid.NewGuid().ToString("N");
        var seed = SmallSeed(secret, sandboxSecret);
        configure?.Invoke(seed);
        var time = new FakeTimeProvider(Start);
        var host = await SimulatorHost.StartAsync(new SimulatorHostOptions
        {
            Url = "http://127.0.0.1:0",
            Seed = seed,
            EnvironmentName = "Development",
            TimeProvider = time,
        });
        return new TestSimulator(host, time, seed, secret, sandboxSecret);
    }

    public async Task<string> TokenAsync(string clientId = ClientId, string? secret = null, string prefix = "")
    {
        using var response = await Http.PostAsync(prefix + "oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret ?? Secret,
        }));
        Assert.Equal(200, (int)response.StatusCode);
        return (await JsonAsync(response)).GetProperty("access_token").GetString()!;
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? token, long? companyHeader = Northwind)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (companyHeader is { } company)
        {
            request.Headers.TryAddWithoutValidation("Procore-Company-Id", company.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PutJsonAsync(string path, string json) =>
        Http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : null;

    /// <summary>rel → URL from a Procore <c>Link</c> header.</summary>
    public static Dictionary<string, string> Links(HttpResponseMessage response)
    {
        var header = Header(response, "Link") ?? "";
        return LinkPattern().Matches(header).ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
    }

    public static long[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    [GeneratedRegex("<([^>]+)>; rel=\"(\\w+)\"")]
    private static partial Regex LinkPattern();
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProcoreAdmin.ProcoreSimulator;

/// <summary>
/// The simulator's data and settings, read from a snake_case JSON file (see README.md in this folder).
/// A seed is copied when a simulator starts, so changing this object afterwards does not affect a running simulator.
/// </summary>
public sealed class SimulatorSeed
{
    /// <summary>Resource name of the shipped default seed.</summary>
    public const string DefaultSeedResourceName = "ProcoreAdmin.ProcoreSimulator.DefaultSeed.json";

    /// <summary><c>expires_in</c> of minted tokens (Procore today: 5400).</summary>
    public int TokenLifetimeSeconds { get; set; } = 5400;

    /// <summary>Seeds data generation (and the fault RNG unless the fault set gives its own seed).</summary>
    public int RandomSeed { get; set; } = 20240601;

    public RateLimitSeed RateLimits { get; set; } = new();

    public CompanyHeaderSeed CompanyHeader { get; set; } = new();

    public PagingSeed Paging { get; set; } = new();

    /// <summary>"Other callers" of apps that spend quota from the same rate-limit bucket from the start.</summary>
    public List<BackgroundLoadSeed> BackgroundLoad { get; set; } = [];

    public MonthlySandboxSeed MonthlySandbox { get; set; } = new();

    public List<CompanySeed> Companies { get; set; } = [];

    public List<AppSeed> Apps { get; set; } = [];

    internal static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions(indented: true);

    internal static JsonSerializerOptions CompactJsonOptions { get; } = CreateJsonOptions(indented: false);

    public static SimulatorSeed Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        SimulatorSeed? seed;
        try
        {
            seed = JsonSerializer.Deserialize<SimulatorSeed>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The simulator seed is not valid JSON for the seed format: {ex.Message}", ex);
        }

        if (seed is null)
        {
            throw new InvalidOperationException("The simulator seed is empty (JSON null).");
        }

        seed.Validate();
        return seed;
    }

    public static SimulatorSeed Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Simulator seed file '{Path.GetFullPath(path)}' was not found.", path);
        }

        return Parse(File.ReadAllText(path));
    }

    /// <summary>The seed that ships with the simulator (embedded resource <see cref="DefaultSeedResourceName"/>).</summary>
    public static SimulatorSeed LoadDefault()
    {
        using var stream = typeof(SimulatorSeed).Assembly.GetManifestResourceStream(DefaultSeedResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{DefaultSeedResourceName}' is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>A deep copy (through JSON).</summary>
    public SimulatorSeed Clone() => JsonSerializer.Deserialize<SimulatorSeed>(ToJson(), JsonOptions)!;

    /// <summary>Throws <see cref="InvalidOperationException"/> with a clear message when the seed is inconsistent.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (TokenLifetimeSeconds <= 0)
        {
            errors.Add("token_lifetime_seconds must be > 0");
        }

        RateLimits ??= new RateLimitSeed();
        CompanyHeader ??= new CompanyHeaderSeed();
        Paging ??= new PagingSeed();
        BackgroundLoad ??= [];
        MonthlySandbox ??= new MonthlySandboxSeed();
        Companies ??= [];
        Apps ??= [];
        errors.AddRange(RateLimits.Validate());
        if (CompanyHeader.MissingStatus is < 400 or > 499)
        {
            errors.Add("company_header.missing_status must be a 4xx status (404 or 400)");
        }

        if (Paging.DefaultPerPage <= 0 || Paging.MaxPerPage < Paging.DefaultPerPage || Paging.ProjectsV11MaxPerPage <= 0)
        {
            errors.Add("paging: default_per_page must be > 0 and <= max_per_page; projects_v11_max_per_page must be > 0");
        }

        var companyIds = new HashSet<long>();
        foreach (var company in Companies)
        {
            if (company.Id <= 0)
            {
                errors.Add($"company '{company.Name}' needs a positive id");
            }

            if (!companyIds.Add(company.Id))
            {
                errors.Add($"company id {company.Id} appears twice");
            }

            if (string.IsNullOrWhiteSpace(company.Name))
            {
                errors.Add($"company {company.Id} needs a name");
            }

            foreach (var list in new[] { company.Projects?.Generate, company.Users?.Generate, company.Offices?.Generate })
            {
                if (list is < 0 or > 1_000_000)
                {
                    errors.Add($"company {company.Id}: generate must be between 0 and 1,000,000");
                }
            }

            var projectIds = new HashSet<long>();
            foreach (var project in company.Projects?.Items ?? [])
            {
                if (project.Id <= 0 || !projectIds.Add(project.Id))
                {
                    errors.Add($"company {company.Id}: project id {project.Id} is missing or duplicated");
                }
            }
        }

        var clientIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var app in Apps)
        {
            if (string.IsNullOrWhiteSpace(app.ClientId) || string.IsNullOrEmpty(app.ClientSecret))
            {
                errors.Add($"app '{app.Name}' needs client_id and client_secret");
                continue;
            }

            if (!clientIds.Add(app.ClientId))
            {
                errors.Add($"client_id '{app.ClientId}' appears twice");
            }

            foreach (var installation in app.Installations ?? [])
            {
                if (!companyIds.Contains(installation.CompanyId))
                {
                    errors.Add($"app '{app.ClientId}' is installed in unknown company {installation.CompanyId}");
                }
            }
        }

        foreach (var load in BackgroundLoad)
        {
            if (load.Validate(Apps.Select(a => a.ClientId)) is { } loadError)
            {
                errors.Add(loadError);
            }
        }

        if (MonthlySandbox.SecretSyncDelaySeconds < -1)
        {
            errors.Add("monthly_sandbox.secret_sync_delay_seconds must be >= 0, or -1 (only on an explicit refresh)");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The simulator seed is invalid: " + string.Join("; ", errors) + ".");
        }
    }

    private static JsonSerializerOptions CreateJsonOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = indented,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>The Procore environment an app (and its tokens) belongs to. Tokens never cross environments.</summary>
public enum SimulatorEnvironment
{
    /// <summary>Served at the root (<c>/oauth/*</c>, <c>/rest/*</c>).</summary>
    Production,

    /// <summary>Served under <c>/_env/developer_sandbox/</c>.</summary>
    DeveloperSandbox,

    /// <summary>Served under <c>/_env/monthly_sandbox/</c>.</summary>
    MonthlySandbox,
}

public sealed class RateLimitSeed
{
    /// <summary>false = never 429 and no <c>X-Rate-Limit-*</c> headers (for overhead benchmarks).</summary>
    public bool Enabled { get; set; } = true;

    public int Hourly { get; set; } = 3600;

    /// <summary>Length of the "hourly" window; shorten it to time-scale benchmarks (e.g. 600 per 60 s).</summary>
    public int HourlyWindowSeconds { get; set; } = 3600;

    public int Spike { get; set; } = 25;

    public int SpikeWindowSeconds { get; set; } = 10;

    /// <summary>Send <c>Retry-After</c> (seconds to the reset) with a 429.</summary>
    public bool RetryAfter { get; set; } = true;

    /// <summary>Who shares a bucket: the whole app (default, as Procore's current docs say), app + company, or one token (+ company).</summary>
    public RateLimitScope Scope { get; set; } = RateLimitScope.App;

    /// <summary>Rolling windows (default: quota returns as old requests age out) or fixed, epoch-aligned windows.</summary>
    public RateLimitWindows Windows { get; set; } = RateLimitWindows.Rolling;

    public RateLimitSeed Clone() => (RateLimitSeed)MemberwiseClone();

    internal IEnumerable<string> Validate()
    {
        if (Hourly <= 0 || Spike <= 0 || HourlyWindowSeconds <= 0 || SpikeWindowSeconds <= 0)
        {
            yield return "rate_limits: hourly, spike and both window lengths must be > 0";
        }
    }
}

/// <summary>Who shares one rate-limit bucket.</summary>
public enum RateLimitScope
{
    /// <summary>Every caller of the app (client id) in one environment.</summary>
    App,

    /// <summary>Per app and company (<c>Procore-Company-Id</c>, else <c>company_id</c>).</summary>
    AppCompany,

    /// <summary>Per access token and company (the pre-2025 documentation).</summary>
    Token,
}

public enum RateLimitWindows
{
    /// <summary>The last window length is counted; Remaining grows again as old requests age out.</summary>
    Rolling,

    /// <summary>Windows aligned to multiples of their length since the Unix epoch; everything comes back at once.</summary>
    Fixed,
}

/// <summary>
/// Another caller of an app (for example the live integration behind a DMSA app) that spends
/// <see cref="RequestsPerSecond"/> from the app's bucket, evenly spaced. It respects 429s (refused requests do not count).
/// </summary>
public sealed class BackgroundLoadSeed
{
    public string ClientId { get; set; } = "";

    /// <summary>Environment of the bucket (the monthly sandbox has buckets of its own).</summary>
    public SimulatorEnvironment Environment { get; set; } = SimulatorEnvironment.Production;

    /// <summary>Company the other caller sends in <c>Procore-Company-Id</c> (matters for the app + company scope).</summary>
    public long? CompanyId { get; set; }

    /// <summary>0 stops the load.</summary>
    public double RequestsPerSecond { get; set; }

    internal string? Validate(IEnumerable<string> clientIds)
    {
        if (string.IsNullOrWhiteSpace(ClientId) || !clientIds.Contains(ClientId, StringComparer.Ordinal))
        {
            return $"background_load: client_id '{ClientId}' is not a registered app";
        }

        return RequestsPerSecond is < 0 or > 10_000 || double.IsNaN(RequestsPerSecond)
            ? "background_load: requests_per_second must be between 0 and 10,000"
            : null;
    }
}

/// <summary>How the monthly sandbox follows the production app credentials it accepts.</summary>
public sealed class MonthlySandboxSeed
{
    /// <summary>
    /// After a production secret reset, how long the monthly sandbox keeps accepting the previous secret (and its
    /// tokens) before it switches to the new one. 0 = at once; -1 = only at the next explicit refresh
    /// (<c>POST /_simulator/monthly_sandbox/refresh</c>), like Procore's monthly refresh.
    /// </summary>
    public int SecretSyncDelaySeconds { get; set; }
}

public sealed class CompanyHeaderSeed
{
    /// <summary>Status for a missing <c>Procore-Company-Id</c> header: 404 (default, as observed) or 400.</summary>
    public int MissingStatus { get; set; } = 404;

    /// <summary>Accept requests without the header (today's partial enforcement). Company comes from <c>company_id</c>.</summary>
    public bool Lenient { get; set; }

    public CompanyHeaderSeed Clone() => (CompanyHeaderSeed)MemberwiseClone();
}

public sealed class PagingSeed
{
    public int DefaultPerPage { get; set; } = 100;

    /// <summary>Cap for v1.0 lists (Procore documents no hard cap today; it recommends &lt;= 2,000).</summary>
    public int MaxPerPage { get; set; } = 1000;

    /// <summary>Cap for <c>/rest/v1.1/projects</c> (documented: 300).</summary>
    public int ProjectsV11MaxPerPage { get; set; } = 300;
}

public sealed class CompanySeed
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public bool IsActive { get; set; } = true;

    public string? LogoUrl { get; set; }

    public bool PcnBusinessExperience { get; set; }

    /// <summary><c>{"generate": N}</c>, a list of projects, or <c>{"generate": N, "items": […]}</c>.</summary>
    public SeedList<ProjectSeed>? Projects { get; set; }

    /// <summary>Company directory users; 10 are generated when absent.</summary>
    public SeedList<UserSeed>? Users { get; set; }

    /// <summary>Offices; 2 are generated when absent.</summary>
    public SeedList<OfficeSeed>? Offices { get; set; }
}

public sealed class ProjectSeed
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public bool Active { get; set; } = true;

    public string? DisplayName { get; set; }

    public string? ProjectNumber { get; set; }

    public string? City { get; set; }

    public string? StateCode { get; set; }

    public string? Stage { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}

public sealed class UserSeed
{
    public long Id { get; set; }

    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public string? EmailAddress { get; set; }

    public string? JobTitle { get; set; }

    public bool IsActive { get; set; } = true;
}

public sealed class OfficeSeed
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public string? City { get; set; }

    public string? StateCode { get; set; }
}

public sealed class AppSeed
{
    public string Name { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public SimulatorEnvironment Environment { get; set; } = SimulatorEnvironment.Production;

    public List<InstallationSeed> Installations { get; set; } = [];
}

public sealed class InstallationSeed
{
    public long CompanyId { get; set; }

    /// <summary>null = every project of the company; otherwise only these projects are visible to the app.</summary>
    public List<long>? PermittedProjectIds { get; set; }
}

/// <summary>
/// Either generated entries (<c>{"generate": N}</c>), explicit entries (a JSON array), or both
/// (<c>{"generate": N, "items": […]}</c>).
/// </summary>
[JsonConverter(typeof(SeedListConverterFactory))]
public sealed class SeedList<T>
{
    public int Generate { get; set; }

    public List<T> Items { get; set; } = [];

    public static SeedList<T> Generated(int count) => new() { Generate = count };

    public static SeedList<T> Of(params T[] items) => new() { Items = [.. items] };
}

internal sealed class SeedListConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(SeedList<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(SeedListConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class SeedListConverter<T> : JsonConverter<SeedList<T>>
    {
        public override SeedList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                return new SeedList<T> { Items = JsonSerializer.Deserialize<List<T>>(ref reader, options) ?? [] };
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("expected an array of items or an object like {\"generate\": 100}");
            }

            var result = new SeedList<T>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "generate":
                        result.Generate = reader.GetInt32();
                        break;
                    case "items":
                        result.Items = JsonSerializer.Deserialize<List<T>>(ref reader, options) ?? [];
                        break;
                    default:
                        throw new JsonException($"unknown property '{name}' (expected 'generate' or 'items')");
                }
            }

            return result;
        }

        public override void Write(Utf8JsonWriter writer, SeedList<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteNumber("generate", value.Generate);
            writer.WritePropertyName("items");
            JsonSerializer.Serialize(writer, value.Items, options);
            writer.WriteEndObject();
        }
    }
}

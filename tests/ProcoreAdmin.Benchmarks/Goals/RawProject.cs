using System.Text.Json.Serialization;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G2's baseline: the project DTO a developer would write by hand for a bare HttpClient (same fields and JSON options
/// as the typed client's <c>ProcoreProject</c>, without its lenient converters).
/// </summary>
public sealed record RawProject
{
    public long Id { get; init; }
    public string? Name { get; init; }
    public string? DisplayName { get; init; }
    public string? ProjectNumber { get; init; }
    public bool? Active { get; init; }
    public bool? IsDemo { get; init; }
    public string? Address { get; init; }
    public string? City { get; init; }
    public string? StateCode { get; init; }
    public string? CountryCode { get; init; }
    public string? Zip { get; init; }
    public string? County { get; init; }
    public string? TimeZone { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public string? Phone { get; init; }
    public string? Stage { get; init; }
    public RawReference? ProjectStage { get; init; }
    public RawReference? Company { get; init; }
    public RawReference? Office { get; init; }
    public string? StartDate { get; init; }
    public string? CompletionDate { get; init; }
    public string? OriginId { get; init; }
    public string? OriginCode { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

public sealed record RawReference
{
    public long? Id { get; init; }
    public string? Name { get; init; }
}

public sealed record RawToken
{
    public string? AccessToken { get; init; }
    public long? ExpiresIn { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(List<RawProject>))]
[JsonSerializable(typeof(RawToken))]
internal sealed partial class RawJsonContext : JsonSerializerContext;

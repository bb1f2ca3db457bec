using System.Text.Json.Serialization;

namespace ProcoreAdmin.ProcoreClient.Internal;

/// <summary>Token endpoint success body. <c>expires_in</c> may arrive as a number or a string.</summary>
internal sealed record TokenResponse
{
    public string? AccessToken { get; init; }

    public string? TokenType { get; init; }

    public long? ExpiresIn { get; init; }

    public long? CreatedAt { get; init; }

    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"TokenResponse {{ TokenType = {TokenType}, ExpiresIn = {ExpiresIn} }}";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    PropertyNameCaseInsensitive = true,
    // Lenient text and timestamps for every model (Procore sends numbers where text is documented, and odd dates):
    // one context-level option instead of an attribute on each property.
    Converters = [typeof(LenientStringConverter), typeof(LenientDateTimeOffsetConverter)])]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ProcoreMe))]
[JsonSerializable(typeof(List<ProcoreCompany>))]
[JsonSerializable(typeof(List<ProcoreProject>))]
[JsonSerializable(typeof(ProcoreProject))]
[JsonSerializable(typeof(List<ProcoreCompanyUser>))]
[JsonSerializable(typeof(List<ProcoreOffice>))]
internal sealed partial class ProcoreJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace ProcoreAdmin.Web.Features.TokenBroker;

/// <summary>A machine client asks for a Procore access token for one company.</summary>
public sealed record ProcoreTokenRequest
{
    /// <summary>The Procore company the token will be used for (sent to Procore as <c>Procore-Company-Id</c>).</summary>
    [JsonPropertyName("company_id")]
    public long CompanyId { get; init; }

    /// <summary>Optional: the credential set, when several granted sets cover the company.</summary>
    [JsonPropertyName("credential_id")]
    public long? CredentialId { get; init; }

    /// <summary>
    /// Optional: the <c>token_id</c> of a token Procore just rejected (401). If it is still the cached token it is dropped
    /// and a new one fetched; during a rotation the request waits for the new secret.
    /// </summary>
    [JsonPropertyName("rejected_token_id")]
    public string? RejectedTokenId { get; init; }
}

/// <summary>What a consumer needs to call Procore: token, expiry, where, and which company header.</summary>
public sealed record ProcoreTokenResponse
{
    [JsonPropertyName("access_token")]
    public required string AccessToken { get; init; }

    [JsonPropertyName("token_type")]
    public string TokenType { get; init; } = "Bearer";

    /// <summary>When Procore will stop accepting the token (UTC).</summary>
    [JsonPropertyName("expires_at")]
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Seconds until <see cref="ExpiresAt"/>.</summary>
    [JsonPropertyName("expires_in")]
    public required long ExpiresIn { get; init; }

    /// <summary>The Procore API base URL for this credential's environment, e.g. <c>https://api.procore.com/</c>.</summary>
    [JsonPropertyName("api_base_url")]
    public required string ApiBaseUrl { get; init; }

    /// <summary>The value to send as the <c>Procore-Company-Id</c> header on every call.</summary>
    [JsonPropertyName("procore_company_id")]
    public required long ProcoreCompanyId { get; init; }

    [JsonPropertyName("company_header")]
    public string CompanyHeader { get; init; } = "Procore-Company-Id";

    [JsonPropertyName("credential_id")]
    public required long CredentialId { get; init; }

    /// <summary>A keyed fingerprint of the token (not the token): send it back as <c>rejected_token_id</c> after a 401.</summary>
    [JsonPropertyName("token_id")]
    public required string TokenId { get; init; }
}

/// <summary>One granted credential set and where it stands, for automation.</summary>
public sealed record CredentialStatusResponse
{
    [JsonPropertyName("credential_id")]
    public required long CredentialId { get; init; }

    [JsonPropertyName("label")]
    public required string Label { get; init; }

    /// <summary><c>active</c>, <c>rotation_due</c>, <c>rotating</c>, <c>suspected_compromise</c>, <c>down</c> or <c>retired</c>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>
    /// <c>none</c>; <c>in_progress</c> (tokens still served); <c>secret_reset</c> (token requests wait for the new secret);
    /// <c>promoted</c> (new secret in use, run finishing).
    /// </summary>
    [JsonPropertyName("rotation")]
    public required string Rotation { get; init; }

    [JsonPropertyName("rotation_started_at")]
    public DateTimeOffset? RotationStartedAt { get; init; }

    [JsonPropertyName("secret_reset_at")]
    public DateTimeOffset? SecretResetAt { get; init; }

    /// <summary>Whether a token request now would be answered at once.</summary>
    [JsonPropertyName("serving_tokens")]
    public required bool ServingTokens { get; init; }

    [JsonPropertyName("company_ids")]
    public required IReadOnlyList<long> CompanyIds { get; init; }

    [JsonPropertyName("grant_expires_at")]
    public DateTimeOffset? GrantExpiresAt { get; init; }
}

/// <summary>The broker's answer: a token, or a refusal with an HTTP status and a plain explanation.</summary>
public sealed record BrokerOutcome(ProcoreTokenResponse? Token, int Status, string? Title, string? Detail, TimeSpan? RetryAfter = null)
{
    public static BrokerOutcome Issued(ProcoreTokenResponse token) => new(token, StatusCodes.Status200OK, null, null);

    public static BrokerOutcome Refused(int status, string title, string detail, TimeSpan? retryAfter = null) => new(null, status, title, detail, retryAfter);
}

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>What the rehearsal step's form hands to the page: the sandbox credential verified (null: skipped) and notes.</summary>
public sealed record RehearsalInput(long? SandboxCredentialId, string? Notes);

/// <summary>
/// What the paste step's form hands to the page. Never prints the secret. The secret carries the credential form's
/// <see cref="ClientSecretAttribute"/>: one rule for both.
/// </summary>
public sealed class PendingSecretInput(string secret, string? notes)
{
    [ClientSecret(Required = true)]
    public string Secret { get; } = secret;

    [NoFormatCharacters("notes")]
    public string? Notes { get; } = notes;

    public override string ToString() => "PendingSecretInput { Secret = [hidden] }";
}

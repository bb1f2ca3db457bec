namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>What the rehearsal step's form hands to the page: the sandbox credential verified (null: skipped) and notes.</summary>
public sealed record RehearsalInput(long? SandboxCredentialId, string? Notes);

/// <summary>What the paste step's form hands to the page. Never prints the secret.</summary>
public sealed class PendingSecretInput(string secret, string? notes)
{
    public string Secret { get; } = secret;

    public string? Notes { get; } = notes;

    public override string ToString() => "PendingSecretInput { Secret = [hidden] }";
}

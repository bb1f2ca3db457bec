namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>The free text of a rotation step (notes when setting the secret or completing, the reason when cancelling).</summary>
public sealed class RotationTextInput
{
    [NoFormatCharacters("notes")]
    public string? Notes { get; init; }

    [NoFormatCharacters("reason")]
    public string? Reason { get; init; }
}

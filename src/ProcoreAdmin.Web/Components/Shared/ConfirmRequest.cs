using MudBlazor;

namespace ProcoreAdmin.Web.Components.Shared;

/// <summary>
/// What <see cref="ConfirmDialog"/> asks: the action and its object, what it affects (companies, installations, schedules,
/// people notified), whether a reason is required (the audit records it) and, for irreversible actions, the text to type.
/// </summary>
public sealed record ConfirmRequest(string Title, string Action, string ObjectName, string ConfirmText)
{
    public IReadOnlyList<string> Effects { get; init; } = [];

    /// <summary>When set, a non-empty reason is required; its label.</summary>
    public string? ReasonLabel { get; init; }

    /// <summary>When set, the action is irreversible and this text (usually the object's name) must be typed.</summary>
    public string? TypeToConfirm { get; init; }

    /// <summary>How to undo it ("An Admin can restore it from …"), or why it cannot be undone.</summary>
    public string? UndoHint { get; init; }

    public Color Color { get; init; } = Color.Error;
}

/// <summary>The confirmed answer: the reason (when asked) and the typed text (when asked).</summary>
public sealed record ConfirmAnswer(string? Reason, string? Typed);

public static class ConfirmDialogExtensions
{
    /// <summary>Shows the confirmation; null when the user cancelled or closed it.</summary>
    public static async Task<ConfirmAnswer?> ConfirmAsync(this IDialogService dialogs, ConfirmRequest request)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        ArgumentNullException.ThrowIfNull(request);
        var parameters = new DialogParameters<ConfirmDialog> { { d => d.Request, request } };
        var reference = await dialogs.ShowAsync<ConfirmDialog>(request.Title, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await reference.Result;
        return result is { Canceled: false, Data: ConfirmAnswer answer } ? answer : null;
    }
}

using MudBlazor;

namespace ProcoreAdmin.Web.Components.Layout;

/// <summary>
/// The app's palettes, chosen so text and controls meet WCAG AA contrast (4.5:1 for text, 3:1 for large text and
/// controls) in both light and dark mode, and the name of the cookie that remembers the user's choice.
/// </summary>
public static class AppTheme
{
    public const string Cookie = "procoreadmin-theme";
    public const string CascadeName = "ThemePreference";
    public const string Dark = "dark";
    public const string Light = "light";

    /// <summary>"dark" or "light" from the cookie value; anything else is no choice (the OS decides).</summary>
    public static string? Parse(string? cookie) => cookie is Dark or Light ? cookie : null;

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            // Procore orange darkened to 5.5:1 on white (the brand #f47e42 is 2.65:1).
            Primary = "#b4460f",
            PrimaryContrastText = "#ffffff",
            Secondary = "#5e35b1",
            SecondaryContrastText = "#ffffff",
            Tertiary = "#00796b",
            Info = "#0265a8",
            InfoContrastText = "#ffffff",
            Success = "#2e7d32",
            SuccessContrastText = "#ffffff",
            Warning = "#a04a04",
            WarningContrastText = "#ffffff",
            Error = "#c62828",
            ErrorContrastText = "#ffffff",
            AppbarBackground = "#1f2a36",
            AppbarText = "#ffffff",
            TextSecondary = "rgba(0,0,0,0.66)",
            ActionDefault = "rgba(0,0,0,0.66)",
            TextDisabled = "rgba(0,0,0,0.50)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#f79a6b",
            PrimaryContrastText = "#1a1a1a",
            Secondary = "#c4b5fd",
            SecondaryContrastText = "#1a1a1a",
            Tertiary = "#80cbc4",
            Info = "#7cc4fa",
            InfoContrastText = "#1a1a1a",
            Success = "#81c784",
            SuccessContrastText = "#1a1a1a",
            Warning = "#ffb74d",
            WarningContrastText = "#1a1a1a",
            Error = "#ff8a80",
            ErrorContrastText = "#1a1a1a",
            TextSecondary = "rgba(255,255,255,0.72)",
            ActionDefault = "rgba(255,255,255,0.72)",
            TextDisabled = "rgba(255,255,255,0.56)",
        },
    };
}

using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ProcoreAdmin.Web.Components.Layout;

/// <summary>
/// Plain-markup icons and icon-button classes for the app bar and navigation, matching what MudBlazor's
/// <c>MudIconButton</c>/<c>MudIcon</c> render. Built once per process: a circuit's render tree only references them
/// (a MudBlazor component per control would cost each circuit its own component state and render buffers).
/// </summary>
public static class AppBarIcon
{
    /// <summary>The classes of an inherit-coloured MudIconButton.</summary>
    public const string ButtonClass = "mud-button-root mud-icon-button mud-inherit-text hover:mud-inherit-hover mud-ripple mud-ripple-icon";

    public static readonly MarkupString Menu = Label(Icons.Material.Filled.Menu);
    public static readonly MarkupString LightMode = Label(Icons.Material.Filled.LightMode);
    public static readonly MarkupString DarkMode = Label(Icons.Material.Filled.DarkMode);
    public static readonly MarkupString Notifications = Label(Icons.Material.Filled.Notifications);

    /// <summary>An SVG icon as MudIcon renders it (decorative: hidden from assistive technology).</summary>
    public static string Svg(string icon, string extraClass = "") =>
        $"""<svg class="mud-icon-root mud-svg-icon mud-icon-size-medium{(extraClass.Length > 0 ? " " + extraClass : "")}" focusable="false" viewBox="0 0 24 24" aria-hidden="true" role="img">{icon}</svg>""";

    private static MarkupString Label(string icon) => new($"""<span class="mud-icon-button-label">{Svg(icon)}</span>""");
}

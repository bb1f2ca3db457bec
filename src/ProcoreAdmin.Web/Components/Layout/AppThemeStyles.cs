using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace ProcoreAdmin.Web.Components.Layout;

/// <summary>
/// The theme's CSS variables (what <see cref="MudThemeProvider"/> writes) for light or dark mode, as one string per mode
/// shared by every circuit. <c>MudThemeProvider</c> builds its ~12,000-character style sheet anew in each circuit and keeps
/// it (and a private default <see cref="MudTheme"/>) for the circuit's life; here the provider is rendered once per mode
/// per process with <see cref="HtmlRenderer"/> and every circuit only holds a reference to the result.
/// </summary>
public sealed class AppThemeStyles : ComponentBase
{
    private static readonly Task<string>?[] Cache = new Task<string>?[2];
    private static readonly Lock CacheLock = new();

    private string? _css;
    private bool? _renderedDark;

    [Inject] public required IServiceScopeFactory Scopes { get; init; }
    [Inject] public required ILoggerFactory LoggerFactory { get; init; }

    /// <summary>Dark palette when true, light otherwise.</summary>
    [Parameter] public bool IsDarkMode { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (_renderedDark == IsDarkMode)
        {
            return;
        }

        var styles = GetAsync(IsDarkMode, Scopes, LoggerFactory);
        _css = styles.IsCompletedSuccessfully ? styles.Result : await styles;
        _renderedDark = IsDarkMode;
    }

    protected override bool ShouldRender() => _css is not null;

    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddMarkupContent(0, _css);

    /// <summary>The provider's markup (scrollbar, chart and theme style elements) for one mode, rendered once.</summary>
    public static Task<string> GetAsync(bool dark, IServiceScopeFactory scopes, ILoggerFactory loggerFactory)
    {
        var index = dark ? 1 : 0;
        lock (CacheLock)
        {
            if (Cache[index] is not { IsFaulted: false, IsCanceled: false } cached)
            {
                cached = RenderAsync(dark, scopes, loggerFactory);
                Cache[index] = cached;
            }

            return cached;
        }
    }

    private static async Task<string> RenderAsync(bool dark, IServiceScopeFactory scopes, ILoggerFactory loggerFactory)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggerFactory);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = AppTheme.Theme,
                [nameof(MudThemeProvider.IsDarkMode)] = dark,
                [nameof(MudThemeProvider.ObserveSystemDarkModeChange)] = false,
            });
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(parameters);
            return output.ToHtmlString();
        });
    }
}

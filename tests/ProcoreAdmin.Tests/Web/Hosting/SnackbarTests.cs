using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>Snackbars keep clear of the page actions, offer a close button and go after their time, hovered or not.</summary>
public sealed class SnackbarTests : MudComponentTest
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-30T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public SnackbarTests()
    {
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.Configure<SnackbarConfiguration>(UserInterfaceSetup.ConfigureSnackbars);
        Context.Services.AddScoped<SnackbarTimeLimit>();
    }

    private (IRenderedComponent<MudSnackbarProvider> Provider, ISnackbar Snackbars) Render()
    {
        var provider = Context.Render<MudSnackbarProvider>();
        var snackbars = Context.Services.GetRequiredService<ISnackbar>();
        Context.Services.GetRequiredService<SnackbarTimeLimit>().Attach();
        return (provider, snackbars);
    }

    private static void Hover(IRenderedComponent<MudSnackbarProvider> provider)
    {
        var snackbar = provider.Find(".mud-snackbar");
        try
        {
            snackbar.PointerEnter();
        }
        catch (MissingEventHandlerException)
        {
            snackbar.MouseEnter();
        }
    }

    [Fact]
    public void Snackbar_FromTheAppSetup_SitsBottomLeft_AndHasACloseButtonThatClosesIt()
    {
        var (provider, snackbars) = Render();
        snackbars.Add("Verification: OK", Severity.Success);

        provider.WaitForAssertion(() => Assert.Single(provider.FindAll(".mud-snackbar")));
        Assert.Contains(Defaults.Classes.Position.BottomLeft, provider.Markup, StringComparison.Ordinal);
        Hover(provider);

        provider.Find(".mud-snackbar button").Click();
        _time.Advance(TimeSpan.FromSeconds(3));

        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".mud-snackbar")));
    }

    [Fact]
    public void Snackbar_HoveredPastItsTime_ClosesAnyway()
    {
        var (provider, snackbars) = Render();
        var limit = Context.Services.GetRequiredService<SnackbarTimeLimit>().Limit;
        snackbars.Add("Verification: OK", Severity.Success);
        provider.WaitForAssertion(() => Assert.Single(provider.FindAll(".mud-snackbar")));

        Hover(provider);
        _time.Advance(limit - TimeSpan.FromSeconds(1));
        Assert.Single(provider.FindAll(".mud-snackbar")); // still readable while it is pointed at
        _time.Advance(TimeSpan.FromSeconds(2));

        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".mud-snackbar")));
    }

    [Fact]
    public void Snackbar_WithAnUndoAction_ClosesAfterTheLimit()
    {
        var (provider, snackbars) = Render();
        var limit = Context.Services.GetRequiredService<SnackbarTimeLimit>().Limit;
        snackbars.Add("Archived Northwind Builders.", Severity.Success, o => { o.Action = "Undo"; o.OnClick = _ => Task.CompletedTask; });
        provider.WaitForAssertion(() => Assert.Single(provider.FindAll(".mud-snackbar")));

        _time.Advance(limit + TimeSpan.FromSeconds(1));

        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".mud-snackbar")));
    }
}

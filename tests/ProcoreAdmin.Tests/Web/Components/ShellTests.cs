using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Components.Layout;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Components;

public sealed class ShellTests : MudComponentTest
{
    [Theory]
    [InlineData(StaffRoles.Viewer)]
    [InlineData(StaffRoles.Operator)]
    [InlineData(StaffRoles.Admin)]
    public void UserBadge_ShowsNameAndHighestRole(string role)
    {
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Ada Lovelace");
        auth.SetRoles(TestSignInRoles(role));

        var cut = Context.Render<UserBadge>();

        Assert.Equal("Ada Lovelace", cut.Find("#user-name").TextContent.Trim());
        Assert.Equal(role, cut.Find("#user-role").TextContent.Trim());
        Assert.NotNull(cut.Find("form[method=post][action='account/signout'] button#signout"));
    }

    [Fact]
    public void NavMenu_ForViewer_ShowsEverySectionButNotTheJobDashboard()
    {
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Vera");
        auth.SetRoles(StaffRoles.Viewer);

        var cut = Context.Render<NavMenu>();

        var keys = cut.FindAll("[data-nav]").Select(a => a.GetAttribute("data-nav")).ToList();
        Assert.Equal(["home", "companies", "credentials", "projects", "api-console", "maintenance", "rotation", "audit"], keys);
    }

    [Fact]
    public void NavMenu_ForAdmin_AlsoLinksTheHangfireDashboard()
    {
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Ada");
        auth.SetRoles(TestSignInRoles(StaffRoles.Admin));

        var cut = Context.Render<NavMenu>();

        Assert.Contains("hangfire", cut.FindAll("[data-nav]").Select(a => a.GetAttribute("data-nav")));
    }

    [Fact]
    public void NavMenu_ForUserWithoutRole_ShowsNothing()
    {
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Oscar");

        var cut = Context.Render<NavMenu>();

        Assert.Empty(cut.FindAll("[data-nav]"));
    }

    [Fact]
    public void NavMenu_MarksTheCurrentSection_AndFollowsNavigation()
    {
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Vera");
        auth.SetRoles(StaffRoles.Viewer);
        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/projects?company=5000000001");

        var cut = Context.Render<NavMenu>();

        Assert.Equal(["projects"], Current(cut));
        navigation.NavigateTo("/credentials/7");
        cut.WaitForAssertion(() => Assert.Equal(["credentials"], Current(cut)));
        navigation.NavigateTo("/");
        cut.WaitForAssertion(() => Assert.Equal(["home"], Current(cut)));
    }

    [Fact]
    public async Task AppThemeStyles_EachMode_IsRenderedOnce_AndSharedByEveryCircuit()
    {
        var scopes = Context.Services.GetRequiredService<IServiceScopeFactory>();
        var logs = Context.Services.GetRequiredService<ILoggerFactory>();

        var light = await AppThemeStyles.GetAsync(dark: false, scopes, logs);
        var dark = await AppThemeStyles.GetAsync(dark: true, scopes, logs);

        Assert.Same(light, await AppThemeStyles.GetAsync(dark: false, scopes, logs));
        Assert.Contains("mud-theme-provider", light, StringComparison.Ordinal);
        Assert.Contains($"--mud-palette-primary: {AppTheme.Theme.PaletteLight.Primary};", light, StringComparison.Ordinal);
        Assert.Contains($"--mud-palette-primary: {AppTheme.Theme.PaletteDark.Primary};", dark, StringComparison.Ordinal);
        Assert.DoesNotContain($"--mud-palette-primary: {AppTheme.Theme.PaletteDark.Primary};", light, StringComparison.Ordinal);
        var cut = Context.Render<AppThemeStyles>(p => p.Add(x => x.IsDarkMode, true));
        cut.WaitForAssertion(() => Assert.Contains($"--mud-palette-primary: {AppTheme.Theme.PaletteDark.Primary};", cut.Markup, StringComparison.Ordinal));
    }

    private static string[] Current(IRenderedComponent<NavMenu> cut) =>
        [.. cut.FindAll("[data-nav][aria-current=page]").Select(a => a.GetAttribute("data-nav") ?? "")];

    private static string[] TestSignInRoles(string role) => ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(role);
}

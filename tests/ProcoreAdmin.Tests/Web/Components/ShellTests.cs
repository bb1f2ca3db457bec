using Bunit;
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

    private static string[] TestSignInRoles(string role) => ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(role);
}

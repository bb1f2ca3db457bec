using System.Net;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>
/// <c>Interactivity:Prerender</c>: on (the default), the first response already holds the page's heading; off, it holds only
/// the placeholder the circuit fills in.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PrerenderSwitchTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task ProjectsPage_FirstResponse_HasTheHeadingOnlyWhenPrerendering(string? setting, bool prerendered)
    {
        using var app = new AppFactory();
        if (setting is not null)
        {
            app.Settings["Interactivity:Prerender"] = setting;
        }

        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/projects").As(TestSignInExtensions.RolesFor(StaffRoles.Viewer)));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<!--Blazor:", html, StringComparison.Ordinal); // the circuit's marker either way
        Assert.Equal(prerendered, html.Contains(">Projects</h1>", StringComparison.Ordinal));
    }
}

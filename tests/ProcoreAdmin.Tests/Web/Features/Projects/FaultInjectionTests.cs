using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.ApiConsole;
using ProcoreAdmin.Web.Features.Projects;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Projects;

/// <summary>
/// Procore failures injected by the simulator (429, 503, 500, malformed JSON, timeout): both pages show a plain message
/// and keep working (the component stays live and the next action succeeds once Procore recovers).
/// </summary>
public sealed class FaultInjectionTests : MudComponentTest, IAsyncLifetime
{
    private ProcoreFeatureHarness _harness = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _harness = await ProcoreFeatureHarness.StartAsync();
        _harness.AddServices(Context.Services, role: null, client: o => o.RequestTimeout = TimeSpan.FromSeconds(3));
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Otto Operator");
        auth.SetRoles(Web.Hosting.TestSignInExtensions.RolesFor(StaffRoles.Operator));
        auth.SetClaims(new Claim("iss", "https://test-idp"), new Claim("sub", "otto"));
        Context.SetRendererInfo(new RendererInfo("Server", true));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _harness.DisposeAsync();
    }

    public static TheoryData<FaultKind, string> Faults => new()
    {
        { FaultKind.TooManyRequests, "rate limit" },
        { FaultKind.ServiceUnavailable, "server-side problem" },
        { FaultKind.ServerError, "server-side problem" },
        { FaultKind.MalformedJson, "could not be read" },
        { FaultKind.Latency, "did not answer in time" },
    };

    private void Inject(FaultKind kind) => _harness.Simulator.State.SetFaults(new FaultConfiguration
    {
        Faults = [new FaultRule { Kind = kind, Rate = 1, PathPrefix = "/rest/", LatencyMs = kind == FaultKind.Latency ? 8_000 : 0, RetryAfterSeconds = 1 }],
    });

    [Theory]
    [MemberData(nameof(Faults))]
    public void ProjectsPage_ProcoreFault_ShowsPlainMessageAndRecovers(FaultKind kind, string expected)
    {
        Inject(kind);
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/projects?company={FakeCredentialDirectory.Northwind}");

        var cut = Context.Render<ProjectsPage>();

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find("#projects-error").TextContent, StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(20));
        Assert.DoesNotContain("Exception", cut.Find("#projects-error").TextContent, StringComparison.Ordinal);

        _harness.Simulator.State.ClearFaults();
        cut.Find("#project-search").Input("a");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#projects-grid tbody tr.mud-table-row")), TimeSpan.FromSeconds(20));
        Assert.Empty(cut.FindAll("#projects-error"));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task ApiConsolePage_ProcoreFault_ShowsPlainMessageAndTheNextCallWorks(FaultKind kind, string expected)
    {
        Inject(kind);
        var cut = Context.Render<ApiConsolePage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#run-call")), TimeSpan.FromSeconds(10));

        await cut.InvokeAsync(() => cut.Find("#run-call").Click());

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find("[data-testid=result-explanation]").TextContent, StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(20));

        _harness.Simulator.State.ClearFaults();
        await cut.InvokeAsync(() => cut.Find("#run-call").Click());

        cut.WaitForAssertion(() => Assert.Equal("200", cut.Find("[data-testid=result-status]").GetAttribute("data-status")), TimeSpan.FromSeconds(20));
        // The history is read after the result is set, and a render can show the result first: wait for it too.
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#console-history tbody tr").Count), TimeSpan.FromSeconds(10));
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>The Rotation page: the compromise confirmation, verification results in words, stale results, secret limits.</summary>
public sealed class RotationPageTests : MudComponentTest, IAsyncLifetime
{
    private readonly string _old = $"TESTSECRET-{Guid.NewGuid()}";
    private readonly string _new = $"TESTSECRET-{Guid.NewGuid()}";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;
    private FakeCredentialRegistry _registry = null!;
    private AppGraph _g = null!;
    private AsyncServiceScope _scope;

    public new async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _registry = new FakeCredentialRegistry(_time);
        _registry.Add(new FakeCredential { Id = 1, Label = "Nightly sync", Current = _old, ProcoreSecret = _old, LastVerifiedRotationUtc = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc) });
        _g = AppGraph.Create(_db, _time, _registry);
        await _g.StartAsync();
        _scope = _g.Services.CreateAsyncScope();
        Context.Services.AddSingleton(_scope.ServiceProvider.GetRequiredService<RotationService>());
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        Context.AddAuthorization().SetAuthorized("Ada Admin").SetRoles(StaffRoles.Admin, StaffRoles.Operator, StaffRoles.Viewer);
    }

    public new async Task DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _g.DisposeAsync();
        _db.Dispose();
        await base.DisposeAsync();
    }

    private RotationService Rotation => _scope.ServiceProvider.GetRequiredService<RotationService>();

    private IRenderedComponent<RotationPage> RenderRun(long run)
    {
        Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/rotation?run={run}");
        return Context.Render<RotationPage>();
    }

    private async Task<long> RunAtPasteStepAsync()
    {
        var run = await Rotation.StartAsync(1, "quarterly");
        await Rotation.PrepareAsync(run, null);
        await Rotation.RehearseAsync(run, null, "no sandbox");
        await Rotation.PauseSchedulesAsync(run);
        return run;
    }

    [Fact]
    public async Task VerificationOfARejectedSecret_ReadsInvalidClient_AndClearsWhenANewSecretIsPasted()
    {
        var run = await RunAtPasteStepAsync();
        _registry.Credentials[1].ProcoreSecret = _new; // reset in the Developer Portal
        await Rotation.SetPendingSecretAsync(run, "TESTSECRET-typo", null);
        var page = RenderRun(run);

        page.WaitForElement("#do-verify").Click();

        var result = page.WaitForElement("#verification-result").TextContent;
        Assert.Contains("Invalid client", result, StringComparison.Ordinal);
        Assert.DoesNotContain("Missing companies", result, StringComparison.Ordinal);
        page.Find("#paste-again").Click();
        page.WaitForElement("#new-secret").Input(_new);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#verification-result")));
    }

    [Fact]
    public async Task PastedSecretOver500Characters_GetsAFieldMessage_AndTheCircuitLives()
    {
        var run = await RunAtPasteStepAsync();
        var page = RenderRun(run);

        page.WaitForElement("#new-secret").Input(new string('s', 505));
        page.Find("#save-pending").Click();

        page.WaitForAssertion(() => Assert.Contains("at most 500 characters", page.Markup, StringComparison.Ordinal));
        Assert.Equal(RotationStepState.Pending, (await Rotation.GetRunAsync(run))!.Step(RotationSteps.PendingSecret).State);
        Assert.Null(_registry.Credentials[1].Pending);
    }

    [Fact]
    public async Task SuspectedCompromiseFromTheList_AsksForAReasonWithTheBlastRadius_BeforeStartingAnything()
    {
        var dialogs = Context.Render<MudDialogProvider>();
        var page = Context.Render<RotationPage>();

        page.WaitForElement("[data-testid=compromised]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Northwind Builders", dialogs.Find("[data-testid=confirm-effects]").TextContent));
        Assert.Contains("owner@example.test", dialogs.Find("[data-testid=confirm-effects]").TextContent);
        Assert.True(dialogs.Find("#confirm-button").HasAttribute("disabled"));
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(0, await db.RotationRuns.CountAsync());
        }

        dialogs.Find("#confirm-reason").Input("secret pasted in a public channel");
        dialogs.WaitForAssertion(() => Assert.False(dialogs.Find("#confirm-button").HasAttribute("disabled")));
        dialogs.Find("#confirm-button").Click();

        page.WaitForElement("#rotation-run");
        Assert.Equal(CredentialStatus.SuspectedCompromise, _registry.Credentials[1].Status);
        await using var check = _db.CreateDbContext();
        Assert.Contains("public channel", (await check.RotationRuns.SingleAsync()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenedFromTheCredentialPageToReportACompromise_AsksTheSameQuestion_AndCancelStartsNothing()
    {
        var dialogs = Context.Render<MudDialogProvider>();
        Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/rotation?compromise=1");
        Context.Render<RotationPage>();

        dialogs.WaitForAssertion(() => Assert.Equal("Nightly sync", dialogs.Find("[data-testid=confirm-object]").TextContent));
        Assert.NotNull(dialogs.Find("#confirm-reason"));
        dialogs.Find("#confirm-cancel-button").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=confirm-object]")));
        Assert.Equal(CredentialStatus.Active, _registry.Credentials[1].Status);
        await using var db = _db.CreateDbContext();
        Assert.Equal(0, await db.RotationRuns.CountAsync());
    }

    [Fact]
    public async Task StartingOrOpeningARun_PutsItInTheAddress_AndTheAddressWithoutItClosesIt()
    {
        var nav = Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        nav.NavigateTo("/rotation");
        var page = Context.Render<RotationPage>();

        page.WaitForElement("[data-testid=rotate]").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#rotation-run")));
        var run = long.Parse(page.Find("#rotation-run").GetAttribute("data-run-id")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith($"/rotation?run={run}", nav.Uri, StringComparison.Ordinal);

        nav.NavigateTo("/rotation"); // the browser's Back button
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#rotation-run")));

        page.WaitForElement("[data-testid=open-run]").Click();
        page.WaitForAssertion(() => Assert.Equal(run.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Find("#rotation-run").GetAttribute("data-run-id")));
        Assert.EndsWith($"/rotation?run={run}", nav.Uri, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.FindAll("#rotation-run button").Single(b => b.TextContent.Trim() == "Close").Click());
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#rotation-run")));
        Assert.EndsWith("/rotation", nav.Uri, StringComparison.Ordinal);

        var reloaded = RenderRun(run); // a reload of the run's address shows it again
        reloaded.WaitForAssertion(() => Assert.Equal(run.ToString(System.Globalization.CultureInfo.InvariantCulture), reloaded.Find("#rotation-run").GetAttribute("data-run-id")));
    }
}

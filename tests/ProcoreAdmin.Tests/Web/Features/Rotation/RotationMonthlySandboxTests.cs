using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Rotation;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>A rotation of a set that also covers the monthly sandbox names it in the blast radius and in the checklist.</summary>
public sealed class RotationMonthlySandboxTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;
    private FakeCredentialRegistry _registry = null!;
    private AppGraph _g = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _registry = new FakeCredentialRegistry(_time);
        _registry.Add(new FakeCredential { Id = 1, Current = "TESTSECRET-old", ProcoreSecret = "TESTSECRET-old", CoversMonthlySandbox = true });
        _registry.Add(new FakeCredential { Id = 2, Current = "TESTSECRET-other", ProcoreSecret = "TESTSECRET-other" });
        _g = AppGraph.Create(_db, _time, _registry);
        await _g.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _g.DisposeAsync();
        _db.Dispose();
    }

    private Task<T> Rotation<T>(Func<RotationService, Task<T>> action) => _g.InScopeAsync(action);

    private Task Rotation(Func<RotationService, Task> action) => _g.InScopeAsync(action);

    [Fact]
    public async Task BlastRadius_AndPreparationStep_OfASetCoveringTheMonthlySandbox_SayTheResetReachesItToo()
    {
        var radius = await Rotation(r => r.BlastRadiusAsync(1));
        var other = await Rotation(r => r.BlastRadiusAsync(2));

        Assert.True(radius!.MonthlySandbox);
        Assert.Contains(BlastRadius.MonthlySandboxLine, radius.Describe(notifiesOwners: true, pausesSchedules: true));
        Assert.DoesNotContain(BlastRadius.MonthlySandboxLine, other!.Describe(notifiesOwners: true, pausesSchedules: true));

        var run = await Rotation(r => r.StartAsync(1, "quarterly"));
        await Rotation(r => r.PrepareAsync(run, null));
        var view = await Rotation(r => r.GetRunAsync(run));

        var preparation = view!.Step(RotationSteps.Preparation);
        Assert.Contains("monthly sandbox", preparation.Notes!, StringComparison.Ordinal);
        Assert.Contains("MonthlySandbox", preparation.Evidence!, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Hosting;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>Promoting a rotated secret and reporting a compromise need a recent sign-in, checked by the service.</summary>
public sealed class PromoteStepUpTests : IAsyncLifetime
{
    private readonly string _old = $"TESTSECRET-{Guid.NewGuid()}";
    private readonly string _new = $"TESTSECRET-{Guid.NewGuid()}";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;
    private FakeCredentialRegistry _registry = null!;
    private AppGraph _g = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _registry = new FakeCredentialRegistry(_time);
        _registry.Add(new FakeCredential { Id = 1, Current = _old, ProcoreSecret = _old, LastVerifiedRotationUtc = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc) });
        _g = AppGraph.Create(_db, _time, _registry);
        await _g.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _g.DisposeAsync();
        _db.Dispose();
    }

    private Task Rotation(Func<RotationService, Task> action) => _g.InScopeAsync(action);

    private Task<T> Rotation<T>(Func<RotationService, Task<T>> action) => _g.InScopeAsync(action);

    /// <summary>The same service, as an Admin whose last sign-in was <paramref name="ago"/> before the graph's clock.</summary>
    private async Task AsAdminSignedInAgo(TimeSpan ago, Func<RotationService, Task> action)
    {
        await using var scope = _g.Services.CreateAsyncScope();
        var staff = new CurrentStaff(new FixedAuthenticationState(TestSignInExtensions.RolesFor(StaffRoles.Admin)) { AuthTime = _time.GetUtcNow() - ago },
            time: _time);
        await action(ActivatorUtilities.CreateInstance<RotationService>(scope.ServiceProvider, staff));
    }

    [Fact]
    public async Task Promote_WithAStaleSignIn_IsRefused_AndAfterStepUpItPromotes()
    {
        var run = await Rotation(r => r.StartAsync(1, "quarterly"));
        await Rotation(r => r.PrepareAsync(run, null));
        await Rotation(r => r.RehearseAsync(run, null, null));
        await Rotation(r => r.PauseSchedulesAsync(run));
        _registry.Credentials[1].ProcoreSecret = _new;
        await Rotation(r => r.SetPendingSecretAsync(run, _new, null));
        await Rotation(r => r.VerifyAsync(run));

        await Assert.ThrowsAsync<RecentSignInRequiredException>(() => AsAdminSignedInAgo(TimeSpan.FromMinutes(11), r => r.PromoteAsync(run)));
        Assert.Equal(_old, _registry.Credentials[1].Current);

        await AsAdminSignedInAgo(TimeSpan.FromMinutes(1), r => r.PromoteAsync(run));
        Assert.Equal(_new, _registry.Credentials[1].Current);
    }

    [Fact]
    public async Task ReportCompromise_WithAStaleSignIn_StartsNothing()
    {
        await Assert.ThrowsAsync<RecentSignInRequiredException>(() => AsAdminSignedInAgo(TimeSpan.FromHours(2), r => r.ReportCompromiseAsync(1, "leaked")));

        Assert.Empty(await Rotation(r => r.ListRunsAsync()));
    }
}

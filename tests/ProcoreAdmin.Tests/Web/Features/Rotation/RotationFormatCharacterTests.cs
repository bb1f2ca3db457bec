using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Rotation;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>Rotation reasons and step notes are read by others: invisible formatting characters (U+202E…) are refused.</summary>
public sealed class RotationFormatCharacterTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly string _secret = $"TESTSECRET-{Guid.NewGuid()}";
    private TestDatabase _db = null!;
    private AppGraph _g = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var registry = new FakeCredentialRegistry(_time);
        registry.Add(new FakeCredential { Id = 1, Current = _secret, ProcoreSecret = _secret });
        _g = AppGraph.Create(_db, _time, registry);
        await _g.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _g.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task StartAndStepNotes_WithAFormatCharacter_AreRefused_AndNothingIsStored()
    {
        var start = await Assert.ThrowsAsync<RotationStepException>(() => _g.InScopeAsync<RotationService, long>(r => r.StartAsync(1, "planned\u202e")));
        Assert.Contains("formatting characters", start.Message);
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(0, await db.RotationRuns.CountAsync());
        }

        var run = await _g.InScopeAsync<RotationService, long>(r => r.StartAsync(1, "planned"));
        var notes = await Assert.ThrowsAsync<RotationStepException>(() => _g.InScopeAsync<RotationService>(r => r.PrepareAsync(run, "owners told\u200b")));
        Assert.Contains("formatting characters", notes.Message);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Features.Rotation;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

public sealed class RotationReminderTests : IAsyncLifetime
{
    private static readonly DateTime Anchor = new(2026, 1, 10, 9, 0, 0, DateTimeKind.Utc);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private static readonly Dictionary<string, string?> EmailPickup = new()
    {
        ["Notifications:Email:Enabled"] = "true",
        ["Notifications:Email:Mode"] = "Pickup",
        ["Notifications:Email:From"] = "procoreadmin@example.test",
        ["Notifications:DefaultRecipients:0"] = "admins@example.test",
    };

    private static CredentialRotationInfo Info(int interval, DateTime? lastVerified, DateTime? created = null) =>
        new(1, "Demo", ProcoreEnvironment.Custom, CredentialStatus.Active, interval, lastVerified, created ?? Anchor.AddYears(-1), null, false);

    [Theory]
    [InlineData(31, null)]
    [InlineData(30, "T-30")]
    [InlineData(20, "T-30")]
    [InlineData(14, "T-14")]
    [InlineData(8, "T-14")]
    [InlineData(7, "T-7")]
    [InlineData(1, "T-1")]
    [InlineData(0, "due")]
    [InlineData(-1, "overdue")]
    [InlineData(-400, "overdue")]
    public void Evaluate_DaysLeft_GivesTheMostUrgentStageReached(int daysLeft, string? stage)
    {
        var now = Anchor.AddDays(90 - daysLeft);
        var due = RotationSchedule.Evaluate(Info(90, Anchor), now, TimeZoneInfo.Utc, [30, 14, 7, 1, 0]);
        Assert.Equal((daysLeft, stage), (due.DaysLeft, due.Stage));
    }

    [Fact]
    public void Evaluate_CountsFromTheLastVerifiedRotation_NotFromRegistration()
    {
        var info = Info(90, lastVerified: Anchor, created: Anchor.AddYears(-3));
        Assert.Equal(DateOnly.FromDateTime(Anchor.AddDays(90)), RotationSchedule.Evaluate(info, Anchor, TimeZoneInfo.Utc, [30]).DueDate);
        var never = Info(90, lastVerified: null, created: Anchor.AddDays(-10));
        Assert.Equal(80, RotationSchedule.Evaluate(never, Anchor, TimeZoneInfo.Utc, [30]).DaysLeft);
    }

    [Fact]
    public void Evaluate_TwoYearInterval_IsSupported()
    {
        var due = RotationSchedule.Evaluate(Info(730, Anchor), Anchor.AddDays(716), TimeZoneInfo.Utc, [30, 14, 7, 1, 0]);
        Assert.Equal(("T-14", new DateOnly(2028, 1, 10)), (due.Stage, due.DueDate));
    }

    [Fact]
    public void Evaluate_AcrossTheDstChange_UsesCalendarDaysOfTheReminderZone()
    {
        var ny = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        // Due 2026-03-09 03:30 UTC = 8 March 23:30 EDT: the due date is 8 March in New York, 9 March in UTC.
        var info = Info(30, new DateTime(2026, 2, 7, 3, 30, 0, DateTimeKind.Utc));
        Assert.Equal(new DateOnly(2026, 3, 8), RotationSchedule.Evaluate(info, new DateTime(2026, 3, 1), ny, [1, 0]).DueDate);
        Assert.Equal(new DateOnly(2026, 3, 9), RotationSchedule.Evaluate(info, new DateTime(2026, 3, 1), TimeZoneInfo.Utc, [1, 0]).DueDate);
        // 7 March 23:59 EST is the day before; 8 March 00:01 EST (two hours before the clocks jump) is the due day.
        Assert.Equal("T-1", RotationSchedule.Evaluate(info, new DateTime(2026, 3, 8, 4, 59, 0, DateTimeKind.Utc), ny, [1, 0]).Stage);
        Assert.Equal("due", RotationSchedule.Evaluate(info, new DateTime(2026, 3, 8, 5, 1, 0, DateTimeKind.Utc), ny, [1, 0]).Stage);
        Assert.Equal("overdue", RotationSchedule.Evaluate(info, new DateTime(2026, 3, 9, 4, 1, 0, DateTimeKind.Utc), ny, [1, 0]).Stage);
    }

    [Fact]
    public async Task Scan_DailyAndTwiceADayForAHundredDays_CreatesEachStageExactlyOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(Anchor));
        var registry = new FakeCredentialRegistry(time);
        registry.Add(new FakeCredential { Id = 1, IntervalDays = 90, LastVerifiedRotationUtc = Anchor, Owners = "owner@example.test" });
        await using var g = AppGraph.Create(_db, time, registry, settings: EmailPickup);

        for (var day = 0; day < 100; day++)
        {
            await g.InScopeAsync<ScanRotationRemindersJob, string>(j => j.RunAsync(CancellationToken.None));
            time.Advance(TimeSpan.FromHours(7));
            await g.InScopeAsync<ScanRotationRemindersJob, string>(j => j.RunAsync(CancellationToken.None));
            time.Advance(TimeSpan.FromHours(17));
        }

        await using var db = _db.CreateDbContext();
        var reminders = await db.RotationReminders.OrderBy(r => r.Id).Select(r => r.Stage).ToListAsync();
        Assert.Equal(["T-30", "T-14", "T-7", "T-1", "due", "overdue"], reminders);
        Assert.Equal(6, await db.Notifications.CountAsync(n => n.Kind == "rotation-reminder"));
        Assert.Equal(6, await db.NotificationDeliveries.CountAsync(d => d.Channel == DeliveryChannel.Email));
        Assert.Equal(0, registry.Decryptions); // metadata only
    }

    [Fact]
    public async Task Scan_StagesAreConfigurable()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(Anchor));
        var registry = new FakeCredentialRegistry(time);
        registry.Add(new FakeCredential { Id = 1, IntervalDays = 60, LastVerifiedRotationUtc = Anchor });
        await using var g = AppGraph.Create(_db, time, registry, settings: new Dictionary<string, string?> { ["Rotation:ReminderStagesDays:0"] = "3", ["Rotation:ReminderStagesDays:1"] = "0" });
        for (var day = 0; day < 62; day++)
        {
            await g.InScopeAsync<ScanRotationRemindersJob, string>(j => j.RunAsync(CancellationToken.None));
            time.Advance(TimeSpan.FromDays(1));
        }

        await using var db = _db.CreateDbContext();
        Assert.Equal(["T-3", "due", "overdue"], await db.RotationReminders.OrderBy(r => r.Id).Select(r => r.Stage).ToListAsync());
    }

    [Fact]
    public async Task Scan_TwoRunsAtOnceOnOneDatabase_CreateAndQueueEachReminderOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(Anchor.AddDays(85)));
        var registry = new FakeCredentialRegistry(time);
        for (var i = 1; i <= 60; i++)
        {
            registry.Add(new FakeCredential { Id = i, IntervalDays = 90, LastVerifiedRotationUtc = Anchor.AddDays(-(i % 40)) });
        }

        await using var g = AppGraph.Create(_db, time, registry, settings: EmailPickup);
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(
                Task.Run(() => g.InScopeAsync<ScanRotationRemindersJob, string>(j => j.RunAsync(CancellationToken.None))),
                Task.Run(() => g.InScopeAsync<ScanRotationRemindersJob, string>(j => j.RunAsync(CancellationToken.None))));
        }

        await using var db = _db.CreateDbContext();
        Assert.Equal(60, await db.RotationReminders.CountAsync());
        Assert.Equal(60, await db.Notifications.CountAsync());
        Assert.Equal(60, await db.NotificationDeliveries.CountAsync());
    }

    [Fact]
    public async Task Scan_TwoAppInstancesSharingOneSqliteFile_CreateAndDeliverEachReminderOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(Anchor.AddDays(85)));
        var registry = new FakeCredentialRegistry(time);
        for (var i = 1; i <= 40; i++)
        {
            registry.Add(new FakeCredential { Id = i, IntervalDays = 90, LastVerifiedRotationUtc = Anchor.AddDays(-(i % 30)), Owners = $"owner{i}@example.test" });
        }

        await using var a = AppGraph.Create(_db, time, registry, settings: EmailPickup);
        await using var b = AppGraph.Create(_db, time, registry, settings: EmailPickup);
        for (var round = 0; round < 10; round++)
        {
            await Task.WhenAll(
                Task.Run(() => a.InScopeAsync<ScanRotationRemindersJob, string>(j => j.RunAsync(CancellationToken.None))),
                Task.Run(() => b.InScopeAsync<ScanRotationRemindersJob, string>(j => j.RunAsync(CancellationToken.None))));
            await Task.WhenAll(
                Task.Run(() => a.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None))),
                Task.Run(() => b.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None))));
            time.Advance(TimeSpan.FromHours(1));
        }

        await using var db = _db.CreateDbContext();
        Assert.Equal(40, await db.RotationReminders.CountAsync());
        Assert.Equal(40, await db.NotificationDeliveries.CountAsync(d => d.Status == DeliveryStatus.Sent));
        var sent = Directory.GetFiles(Path.Combine(_db.Folder, "App_Data", "mail-pickup"), "*.eml");
        Assert.Equal(40, sent.Length);
    }

    [Fact]
    public async Task ReminderMessages_ContainNamesIdsAndDates_ButNoSecret()
    {
        var marker = $"TESTSECRET-{Guid.NewGuid()}";
        var time = new FakeTimeProvider(new DateTimeOffset(Anchor.AddDays(89)));
        var registry = new FakeCredentialRegistry(time);
        registry.Add(new FakeCredential { Id = 7, Label = "Payroll sync", IntervalDays = 90, LastVerifiedRotationUtc = Anchor, Current = marker, ProcoreSecret = marker });
        var settings = new Dictionary<string, string?>(EmailPickup)
        {
            ["Notifications:Webhook:Enabled"] = "true",
            ["Notifications:Webhook:Url"] = "https://hooks.example.test/x",
            ["Notifications:Webhook:SigningSecret"] = "0123456789abcdef0123",
        };
        await using var g = AppGraph.Create(_db, time, registry, settings: settings);
        await g.InScopeAsync<ScanRotationRemindersJob, string>(j => j.RunAsync(CancellationToken.None));

        await using var db = _db.CreateDbContext();
        var n = await db.Notifications.Include(x => x.Deliveries).SingleAsync();
        var message = new NotificationMessage(n.Id, n.Deliveries[0].Id, n.Kind, n.Severity, n.Title, n.Body, n.CredentialId, n.CreatedUtc, ["owner@example.test"], null);
        var email = EmailChannel.Compose(message, "procoreadmin@example.test");
        using var stream = new MemoryStream();
        await email.WriteToAsync(stream);
        var payloads = new[]
        {
            System.Text.Encoding.UTF8.GetString(stream.ToArray()),
            WebhookChannel.BuildPayload(message, WebhookFormat.Slack),
            WebhookChannel.BuildPayload(message, WebhookFormat.Teams),
            n.Title + n.Body,
        };
        Assert.All(payloads, p =>
        {
            Assert.DoesNotContain(marker, p);
            Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(marker)), p);
            Assert.Contains("Payroll sync", p);
        });
        Assert.Contains("#7", n.Body);
        Assert.Contains("2026-04-10", n.Body);
        Assert.Equal(2, n.Deliveries.Count);
    }
}

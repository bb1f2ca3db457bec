using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Notifications;

public sealed class NotificationDeliveryTests : IAsyncLifetime
{
    private const string SigningSecret = "test-signing-secret-0123456789";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private static Dictionary<string, string?> WebhookOnly => new()
    {
        ["Notifications:Webhook:Enabled"] = "true",
        ["Notifications:Webhook:Url"] = "https://hooks.example.test/services/x",
        ["Notifications:Webhook:SigningSecret"] = SigningSecret,
        ["Notifications:MaxDeliveryAttempts"] = "3",
    };

    [Fact]
    public void WebhookSignature_VerifiesTheSignedBody_AndRejectsTamperingReplayAndOldTimestamps()
    {
        var now = _time.GetUtcNow();
        var ts = now.ToUnixTimeSeconds();
        const string body = "{\"text\":\"hello\"}";
        var signature = WebhookSignature.Sign(SigningSecret, ts, body);

        Assert.True(WebhookSignature.Verify(SigningSecret, ts.ToString(), body, signature, now));
        Assert.False(WebhookSignature.Verify(SigningSecret, ts.ToString(), body + " ", signature, now));
        Assert.False(WebhookSignature.Verify("another-secret-0123456789", ts.ToString(), body, signature, now));
        Assert.False(WebhookSignature.Verify(SigningSecret, (ts + 1).ToString(), body, signature, now));
        Assert.False(WebhookSignature.Verify(SigningSecret, ts.ToString(), body, signature, now.AddMinutes(6))); // replayed later
        Assert.False(WebhookSignature.Verify(SigningSecret, null, body, signature, now));
    }

    [Fact]
    public async Task Webhook_IsSignedSlackCompatibleJson_ThatAReceiverVerifies()
    {
        var hook = new StubWebhook(_time);
        await using var g = CreateWithStub(hook);
        await g.Services.GetRequiredService<NotificationCenter>().RaiseAsync(new NotificationDraft("test", NotificationSeverity.Warning, "Title here", "Body here", 3));

        var summary = await g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None));

        Assert.Equal("Delivered 1, failed 0.", summary);
        var request = Assert.Single(hook.Received);
        Assert.True(request.Verified);
        Assert.Contains("\"text\":\"*Title here*\\nBody here\"", request.Body);
    }

    [Fact]
    public async Task FailedDelivery_RetriesWithBackoff_ThenIsMarkedFailedAndVisible_AndCanBeRetried()
    {
        var hook = new StubWebhook(_time) { Status = HttpStatusCode.InternalServerError };
        await using var g = CreateWithStub(hook);
        await g.Services.GetRequiredService<NotificationCenter>().RaiseAsync(new NotificationDraft("test", NotificationSeverity.Info, "T", "B"));

        await g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None));
        Assert.Equal("Nothing to deliver.", await g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None))); // backing off
        _time.Advance(TimeSpan.FromMinutes(1));
        await g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(2));
        await g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None));
        Assert.Equal(3, hook.Received.Count);

        var view = Assert.Single(await g.InScopeAsync<NotificationService, IReadOnlyList<NotificationView>>(s => s.ListAsync(false)));
        var delivery = Assert.Single(view.Deliveries);
        Assert.Equal((DeliveryStatus.Failed, 3), (delivery.Status, delivery.Attempts));
        Assert.Equal("Webhook answered 500 Internal Server Error.", delivery.LastError);

        hook.Status = HttpStatusCode.OK;
        await g.InScopeAsync<NotificationService>(s => s.RetryDeliveryAsync(delivery.Id));
        await g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None));
        Assert.Equal(DeliveryStatus.Sent, (await g.InScopeAsync<NotificationService, IReadOnlyList<NotificationView>>(s => s.ListAsync(false)))[0].Deliveries[0].Status);
    }

    [Fact]
    public async Task CrashBetweenSendAndMark_ResendsOnlyAfterTheLeaseExpires_WithTheSameDeliveryId()
    {
        var hook = new StubWebhook(_time);
        await using var g = CreateWithStub(hook);
        await g.Services.GetRequiredService<NotificationCenter>().RaiseAsync(new NotificationDraft("test", NotificationSeverity.Info, "T", "B"));
        using var kill = new CancellationTokenSource();
        hook.CrashAfterReceive = kill;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(kill.Token)));
        hook.CrashAfterReceive = null;
        Assert.Equal("Nothing to deliver.", await g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None)));
        _time.Advance(DeliverNotificationsJob.Lease + TimeSpan.FromSeconds(1));
        await g.InScopeAsync<DeliverNotificationsJob, string>(j => j.RunAsync(CancellationToken.None));

        Assert.Equal(2, hook.Received.Count);
        Assert.Single(hook.Received.Select(r => r.DeliveryId).Distinct());
        await using var db = _db.CreateDbContext();
        Assert.Equal(DeliveryStatus.Sent, (await db.NotificationDeliveries.SingleAsync()).Status);
    }

    [Fact]
    public async Task DedupKey_RaisesAnAlertOnlyOnce()
    {
        await using var g = CreateWithStub(new StubWebhook(_time));
        var center = g.Services.GetRequiredService<NotificationCenter>();
        var draft = new NotificationDraft("health-failing", NotificationSeverity.Error, "Failing", "B", 1, DedupKey: "health-failing:1:2026-06-01");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => center.RaiseAsync(draft))));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Inbox_ReadStateIsPerPerson_OneReaderDoesNotClearAnothersBell()
    {
        await using var g = CreateWithStub(new StubWebhook(_time));
        var center = g.Services.GetRequiredService<NotificationCenter>();
        await center.RaiseAsync(new NotificationDraft("a", NotificationSeverity.Info, "A", "B"));
        await center.RaiseAsync(new NotificationDraft("b", NotificationSeverity.Info, "B", "B"));
        var ada = Inbox(g, "dev-admin");
        var vera = Inbox(g, "dev-viewer");

        var first = (await ada.ListAsync(unreadOnly: true))[0];
        await ada.MarkReadAsync(first.Id);
        await ada.MarkReadAsync(first.Id); // twice is harmless

        Assert.Equal(1, await ada.UnreadCountAsync());
        Assert.Equal(2, await vera.UnreadCountAsync());
        Assert.NotNull((await ada.ListAsync(unreadOnly: false)).Single(n => n.Id == first.Id).ReadUtc);
        Assert.Null((await vera.ListAsync(unreadOnly: false)).Single(n => n.Id == first.Id).ReadUtc);

        Assert.Equal(2, await vera.MarkAllReadAsync());
        Assert.Equal(0, await vera.UnreadCountAsync());
        Assert.Equal(1, await ada.UnreadCountAsync());
    }

    private NotificationService Inbox(AppGraph g, string subject) => new(
        g.Db, new CurrentStaff(new SubjectAuthenticationState(subject)), g.Services.GetRequiredService<NotificationCenter>(), _time);

    private sealed class SubjectAuthenticationState(string subject) : Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider
    {
        public override Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(new System.Security.Claims.ClaimsPrincipal(
                new System.Security.Claims.ClaimsIdentity(
                    [new("sub", subject), new("iss", "https://idp.test"), new("name", subject), new(StaffRoles.ClaimType, StaffRoles.Viewer)],
                    "test", "name", StaffRoles.ClaimType))));
    }

    [Fact]
    public async Task Bell_AfterMarkAllRead_ShowsTheNewCountAtOnce_NotAfterThePollingInterval()
    {
        await using var g = CreateWithStub(new StubWebhook(_time));
        var center = g.Services.GetRequiredService<NotificationCenter>();
        await center.RaiseAsync(new NotificationDraft("a", NotificationSeverity.Info, "A", "B"));
        await center.RaiseAsync(new NotificationDraft("b", NotificationSeverity.Info, "B", "B"));
        await using var bunit = new Bunit.BunitContext();
        bunit.JSInterop.Mode = Bunit.JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        var inbox = Inbox(g, "reader-1");
        bunit.Services.AddSingleton(inbox);
        bunit.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));

        var bell = bunit.Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal("Notifications, 2 unread", bell.Find("#notification-bell").GetAttribute("aria-label")));

        await inbox.MarkAllReadAsync();

        bell.WaitForAssertion(() => Assert.Equal("Notifications, 0 unread", bell.Find("#notification-bell").GetAttribute("aria-label")), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task NotificationsPage_MarkReadOnACard_LeavesOnlyTheOtherUnread()
    {
        await using var g = CreateWithStub(new StubWebhook(_time));
        var center = g.Services.GetRequiredService<NotificationCenter>();
        await center.RaiseAsync(new NotificationDraft("a", NotificationSeverity.Info, "First", "B"));
        await center.RaiseAsync(new NotificationDraft("b", NotificationSeverity.Warning, "Second", "B"));
        await using var bunit = new Bunit.BunitContext();
        bunit.JSInterop.Mode = Bunit.JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        var inbox = Inbox(g, "reader-1");
        bunit.Services.AddSingleton(inbox);
        bunit.Services.AddSingleton<TimeProvider>(_time);
        bunit.Services.AddScoped<BrowserTimeZone>();
        bunit.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        bunit.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        bunit.AddAuthorization().SetAuthorized("reader-1").SetRoles(StaffRoles.Viewer);

        var page = bunit.Render<NotificationsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#notifications [data-notification-kind]").Count));
        page.Find("[data-notification-kind=a] button").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("[data-notification-kind=a] button"));
            Assert.Single(page.FindAll("[data-notification-kind=b] button"));
        });
        Assert.Equal(1, await inbox.UnreadCountAsync());
    }

    [Fact]
    public async Task Inbox_UnreadCountAndMarkRead()
    {
        await using var g = CreateWithStub(new StubWebhook(_time));
        var center = g.Services.GetRequiredService<NotificationCenter>();
        await center.RaiseAsync(new NotificationDraft("a", NotificationSeverity.Info, "A", "B"));
        await center.RaiseAsync(new NotificationDraft("b", NotificationSeverity.Info, "B", "B"));
        Assert.Equal(2, await g.InScopeAsync<NotificationService, int>(s => s.UnreadCountAsync()));
        var first = (await g.InScopeAsync<NotificationService, IReadOnlyList<NotificationView>>(s => s.ListAsync(true)))[0];
        await g.InScopeAsync<NotificationService>(s => s.MarkReadAsync(first.Id));
        Assert.Equal(1, await g.InScopeAsync<NotificationService, int>(s => s.UnreadCountAsync()));
        await g.InScopeAsync<NotificationService, int>(s => s.MarkAllReadAsync());
        Assert.Equal(0, await g.InScopeAsync<NotificationService, int>(s => s.UnreadCountAsync()));
    }

    [Fact]
    public void Options_WebhookWithoutSigningSecret_OrSmtpWithoutHost_FailWithNamedSettings()
    {
        var validator = new NotificationsOptionsValidator();
        var bad = new NotificationsOptions
        {
            Webhook = new WebhookOptions { Enabled = true, Url = "https://hooks.example.test/x" },
            Email = new EmailOptions { Enabled = true, Mode = EmailMode.Smtp, From = "a@example.test" },
        };
        var result = validator.Validate(null, bad);
        Assert.True(result.Failed);
        Assert.Contains("Notifications:Webhook:SigningSecret", result.FailureMessage);
        Assert.Contains("Notifications:Email:Host", result.FailureMessage);
        Assert.True(validator.Validate(null, new NotificationsOptions { Email = new EmailOptions { Enabled = true, Mode = EmailMode.Pickup, From = "a@example.test" } }).Succeeded);
    }

    private AppGraph CreateWithStub(StubWebhook hook)
    {
        var g = AppGraph.Create(_db, _time, new FakeCredentialRegistry(_time), StaffRoles.Operator, WebhookOnly);
        var monitor = g.Services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(WebhookChannel.HttpClientName);
        monitor.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = hook);
        return g;
    }

    /// <summary>A webhook receiver that verifies the signature like a real one would.</summary>
    private sealed class StubWebhook(TimeProvider time) : HttpMessageHandler
    {
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
        public CancellationTokenSource? CrashAfterReceive { get; set; }
        public List<(string Body, bool Verified, string? DeliveryId)> Received { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var verified = WebhookSignature.Verify(SigningSecret, Header(request, WebhookSignature.TimestampHeader), body, Header(request, WebhookSignature.SignatureHeader), time.GetUtcNow());
            Received.Add((body, verified, Header(request, WebhookSignature.DeliveryHeader)));
            if (CrashAfterReceive is { } kill)
            {
                // The host stops after the receiver got the message and before the job marks it sent.
                await kill.CancelAsync();
                throw new OperationCanceledException("process killed after the receiver got the message", kill.Token);
            }

            return new HttpResponseMessage(Status);
        }

        private static string? Header(HttpRequestMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? v.Single() : null;
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using Xunit.Abstractions;

namespace ProcoreAdmin.Tests.Topology;

/// <summary>
/// <c>kill -9</c> of the instance in the middle of a notification delivery: the other instance completes it when the
/// delivery lease (15 s here, <c>Notifications:DeliveryLease</c>) and Hangfire's invisibility timeout (20 s here,
/// <c>Hangfire:InvisibilityTimeout</c>) have passed, and the receiver gets each delivery answered exactly once.
/// </summary>
public sealed class InstanceFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string DeliveryId, bool Completed)> _received = new();
    private readonly TaskCompletionSource<(string DeliveryId, int Port)> _firstArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;
    private WebApplication _receiver = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hook", async ctx =>
        {
            var id = ctx.Request.Headers[WebhookSignature.DeliveryHeader].ToString();
            if (Interlocked.Increment(ref _requests) == 1)
            {
                // The first delivery hangs: the sending instance is "in the middle of it" when it is killed.
                _firstArrived.TrySetResult((id, ctx.Connection.RemotePort));
                try
                {
                    await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    _received.Enqueue((id, false));
                    return;
                }
            }

            _received.Enqueue((id, true));
            ctx.Response.StatusCode = 200;
        });
        await _receiver.StartAsync();
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [PostgresFact]
    public async Task KillDashNine_OfTheInstanceDelivering_OtherInstanceDeliversEachReminderOnce()
    {
        await using var database = await PostgresDatabase.CreateAsync(migrate: true);
        var now = DateTime.UtcNow;
        await using (var db = database.CreateDbContext())
        {
            foreach (var kind in new[] { MaintenanceJobKinds.RotationReminderScan, MaintenanceJobKinds.DeliverNotifications })
            {
                db.MaintenanceSchedules.Add(new MaintenanceSchedule { Kind = kind, Title = kind, Cron = "* * * * *", TimeZoneId = "UTC", UpdatedUtc = now, UpdatedBy = "test" });
            }

            for (var i = 1; i <= 3; i++)
            {
                db.CredentialSets.Add(new CredentialSet
                {
                    Label = $"Overdue app {i}", Environment = ProcoreAdmin.ProcoreClient.ProcoreEnvironment.Production, ClientId = $"client-{i}", RotationIntervalDays = 1,
                    LastVerifiedRotationUtc = now.AddDays(-10), CreatedUtc = now.AddDays(-20), Status = CredentialStatus.Active,
                });
            }

            await db.SaveChangesAsync();
        }

        Dictionary<string, string> Settings() => new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Hangfire:InvisibilityTimeout"] = "00:00:20",
            ["Notifications:DeliveryLease"] = "00:00:15",
            ["Notifications:Webhook:Enabled"] = "true",
            ["Notifications:Webhook:Url"] = _receiver.Urls.First() + "/hook",
            ["Notifications:Webhook:SigningSecret"] = $"TESTSECRET-{Guid.NewGuid()}",
            ["DevelopmentCompanions:DevIdentityUrl"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
            ["DevelopmentCompanions:Simulator"] = "false",
        };

        await using var a = await AppProcess.StartAsync("A", Settings());
        await using var b = await AppProcess.StartAsync("B", Settings());

        // Whichever instance claims the deliveries first hangs on the first one at the receiver (the webhook client
        // gives up after 15 s): kill -9 it while it waits, found by the TCP connection it holds to the receiver.
        var first = await Task.WhenAny(_firstArrived.Task, Task.Delay(TimeSpan.FromSeconds(180)));
        Assert.True(first == _firstArrived.Task, "No instance started a delivery:\n" + a.Output + b.Output);
        var (hung, port) = await _firstArrived.Task;
        var delivering = new[] { a, b }.Single(p => OwnsLocalPort(p.ProcessId, port));
        var survivor = delivering == a ? b : a;
        delivering.Kill();
        output.WriteLine($"killed {delivering.Name} (pid {delivering.ProcessId}) while it was delivering {hung}");

        var deliveries = await TwoInstanceTests.WaitForAsync(async () =>
        {
            await using var db = database.CreateDbContext();
            var all = await db.NotificationDeliveries.AsNoTracking().Where(d => d.Channel == DeliveryChannel.Webhook).ToListAsync();
            return all.Count == 3 && all.All(d => d.Status == DeliveryStatus.Sent) ? all : null;
        }, TimeSpan.FromSeconds(240), () => survivor.Output + delivering.Output + string.Join(", ", _received));

        await using (var db = database.CreateDbContext())
        {
            var reminders = await db.RotationReminders.AsNoTracking().ToListAsync();
            Assert.Equal(3, reminders.Count);
            Assert.Equal(3, reminders.Select(r => (r.CredentialId, r.Stage, r.DueDate)).Distinct().Count());
        }

        var completed = _received.Where(r => r.Completed).Select(r => r.DeliveryId).ToList();
        output.WriteLine($"receiver: {string.Join(", ", _received.Select(r => $"{r.DeliveryId}:{(r.Completed ? "200" : "aborted")}"))}");
        Assert.Equal(3, completed.Count);
        Assert.Equal(3, completed.Distinct().Count());
        Assert.Contains(hung, completed);
        Assert.Contains(_received, r => r.DeliveryId == hung && !r.Completed);
        Assert.False(survivor.HasExited);
    }

    /// <summary>Whether the process holds the TCP socket whose local port is <paramref name="port"/> (Linux /proc).</summary>
    private static bool OwnsLocalPort(int pid, int port)
    {
        var inodes = File.ReadLines("/proc/net/tcp").Skip(1).Concat(File.Exists("/proc/net/tcp6") ? File.ReadLines("/proc/net/tcp6").Skip(1) : [])
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && Convert.ToInt32(f[1].Split(':')[1], 16) == port)
            .Select(f => $"socket:[{f[9]}]")
            .ToHashSet();
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // The descriptor closed meanwhile.
            }
        }

        return false;
    }
}

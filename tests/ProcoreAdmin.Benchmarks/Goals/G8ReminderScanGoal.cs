using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Rotation;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>
/// G8 — rotation-reminder scan over 10,000 credential sets in SQLite (WAL): SQL commands of the scan, decryptions,
/// wall time; the cost of creating 1,000 due reminders; and a naive per-row leg for the ratios. Prints one line per figure.
/// </summary>
public static class G8ReminderScanGoal
{
    public const int Credentials = 10_000;
    public const int Due = 1_000;

    public static async Task<bool> RunAsync(TextWriter output)
    {
        var folder = Directory.CreateTempSubdirectory("procoreadmin-g8-").FullName;
        try
        {
            var now = DateTime.UtcNow;
            var infos = InMemoryRotationDirectory.Make(Credentials, Due, now);
            var directory = new InMemoryRotationDirectory(infos);
            await using var app = await GoalInstance.CreateAsync(folder, directory, migrate: true);
            await app.ScanAsync(); // warm-up: JIT + EF model; creates the 1,000 reminders

            // Leg 1: creating 1,000 due reminders (with notification + outbox rows) from a clean slate.
            await ClearAsync(app);
            app.Counter.Reset();
            var sw = Stopwatch.StartNew();
            await app.ScanAsync();
            var createMs = sw.Elapsed.TotalMilliseconds;
            var createWrites = app.Counter.Writes;
            var createReads = app.Counter.Reads;

            // Leg 2: the steady-state scan (everything already reminded) — what runs every day.
            app.Counter.Reset();
            sw.Restart();
            await app.ScanAsync();
            var scanMs = sw.Elapsed.TotalMilliseconds;
            var scanCommands = app.Counter.Total;

            // Naive leg: per-credential lookup + per-row SaveChanges.
            await ClearAsync(app);
            app.Counter.Reset();
            sw.Restart();
            await NaiveAsync(app, infos, now);
            var naiveMs = sw.Elapsed.TotalMilliseconds;
            var naiveCommands = app.Counter.Total;

            var ok = true;
            ok &= Line(output, "G8 scan SQL commands (steady state, excl. registry read)", scanCommands, "<= 3", scanCommands <= 3);
            ok &= Line(output, "G8 secrets decrypted by the scan", directory.Decryptions, "= 0", directory.Decryptions == 0);
            ok &= Line(output, "G8 scan wall time ms (10,000 credentials)", scanMs, "<= 300", scanMs <= 300);
            ok &= Line(output, "G8 write commands to create 1,000 reminders (+notifications, outbox)", createWrites, "<= 2", createWrites <= 2);
            output.WriteLine($"G8 info: creating 1,000 reminders took {createMs:0} ms, {createReads} read command(s), one transaction");
            output.WriteLine($"G8 info: naive leg {naiveCommands} commands in {naiveMs:0} ms; naive/steady-state scan command ratio {naiveCommands / (double)Math.Max(1, scanCommands):0}:1");
            var ratio = (double)naiveCommands / Math.Max(1, createReads + createWrites);
            ok &= Line(output, "G8 naive/our command ratio", ratio, ">= 1000", ratio >= 1000);
            var timeRatio = naiveMs / Math.Max(0.001, createMs);
            ok &= Line(output, "G8 naive/our wall-time ratio", timeRatio, ">= 10", timeRatio >= 10);
            return ok;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task ClearAsync(GoalInstance app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Notifications.ExecuteDeleteAsync(); // cascades to reminders and deliveries
    }

    /// <summary>The shape to avoid: one lookup and one SaveChanges per credential.</summary>
    private static async Task NaiveAsync(GoalInstance app, IReadOnlyList<ProcoreAdmin.Web.Features.Credentials.CredentialRotationInfo> infos, DateTime now)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var zone = TimeZoneInfo.Utc;
        foreach (var info in infos)
        {
            var due = ProcoreAdmin.Web.Features.Rotation.RotationSchedule.Evaluate(info, now, zone, [30, 14, 7, 1, 0]);
            await using var db = await factory.CreateDbContextAsync();
            var exists = await db.RotationReminders.AnyAsync(r => r.CredentialId == info.CredentialId && r.DueDate == due.DueDate);
            if (due.Stage is null || exists)
            {
                continue;
            }

            var notification = new ProcoreAdmin.Data.Notifications.Notification { Kind = "rotation-reminder", Title = info.Label, Body = "due", CreatedUtc = now };
            db.Notifications.Add(notification);
            await db.SaveChangesAsync();
            db.RotationReminders.Add(new RotationReminder { CredentialId = info.CredentialId, Stage = due.Stage, DueDate = due.DueDate, CreatedUtc = now, NotificationId = notification.Id });
            await db.SaveChangesAsync();
        }
    }

    private static bool Line(TextWriter output, string name, double value, string bar, bool pass)
    {
        output.WriteLine($"{name}: {value:0.##} (bar {bar}) {(pass ? "PASS" : "FAIL")}");
        return pass;
    }
}

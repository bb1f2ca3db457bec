using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Tests.DevIdentity;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Maintenance;
using Xunit.Abstractions;

namespace ProcoreAdmin.Tests.Topology;

/// <summary>
/// Two real app processes (A and B) on one PostgreSQL database, each with its own Hangfire server on the shared
/// PostgreSQL job storage and the key ring in the database.
/// </summary>
public sealed partial class TwoInstanceTests(ITestOutputHelper output)
{
    private static readonly string[] EveryMinuteKinds =
        [MaintenanceJobKinds.CredentialHealthCheck, MaintenanceJobKinds.RotationReminderScan, MaintenanceJobKinds.DeliverNotifications];

    [PostgresFact]
    public async Task TwoProcesses_OneDatabase_ShareSignInAndSecretsAndRunEachScheduledTriggerOnce()
    {
        await using var database = await PostgresDatabase.CreateAsync(migrate: true);
        await using (var db = database.CreateDbContext())
        {
            foreach (var kind in EveryMinuteKinds)
            {
                db.MaintenanceSchedules.Add(new MaintenanceSchedule
                {
                    Kind = kind, Title = kind, Cron = "* * * * *", TimeZoneId = "UTC", UpdatedUtc = DateTime.UtcNow, UpdatedBy = "test",
                });
            }

            await db.SaveChangesAsync();
        }

        var identityA = $"http://127.0.0.1:{AppProcess.FreePort()}";
        Dictionary<string, string> Settings(bool simulator) => new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Hangfire:InvisibilityTimeout"] = "00:00:20",
            ["DevelopmentCompanions:DevIdentityUrl"] = simulator ? identityA : $"http://127.0.0.1:{AppProcess.FreePort()}",
            ["DevelopmentCompanions:Simulator"] = simulator ? "true" : "false",
            ["DevelopmentCompanions:SimulatorUrl"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
        };

        // A starts first: it seeds the demo credential, whose secret it encrypts with the key ring it creates in the database.
        await using var a = await AppProcess.StartAsync("A", Settings(simulator: true));
        // B's start-up check decrypts the newest stored secret and stops the process if it cannot: B being ready means
        // the secret saved by A decrypts on B.
        await using var b = await AppProcess.StartAsync("B", Settings(simulator: false));
        try
        {
            await using (var db = database.CreateDbContext())
            {
                Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
                Assert.NotEmpty(await db.CredentialSecrets.ToListAsync());
            }

            // A sign-in cookie issued by A is accepted by B (same key ring), with the Admin role.
            using var browser = new OidcTestBrowser(new Uri(identityA + "/"));
            await SignInAsync(browser, a.BaseAddress, "admin");
            using (var onB = await browser.Http.GetAsync(new Uri(b.BaseAddress, "health/ready")))
            {
                var body = await onB.Content.ReadAsStringAsync();
                using var json = JsonDocument.Parse(body);
                Assert.True(json.RootElement.TryGetProperty("checks", out var checks), "B did not see an Admin: " + body);
                Assert.StartsWith("PostgreSqlStorage: 2 server(s)", checks.GetProperty("hangfire").GetProperty("description").GetString());
            }

            using (var page = await browser.Http.GetAsync(new Uri(b.BaseAddress, "companies")))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            // Each every-minute schedule runs exactly once per trigger across both Hangfire servers.
            var runs = await WaitForAsync(async () =>
            {
                await using var db = database.CreateDbContext();
                var all = await db.JobRuns.AsNoTracking().Where(r => r.Trigger == ScheduledJobRunner.ScheduleTrigger).ToListAsync();
                return all.Where(r => r.JobKind == MaintenanceJobKinds.CredentialHealthCheck)
                    .Select(r => Minute(r.StartedUtc)).Distinct().Count() >= 2 ? all : null;
            }, TimeSpan.FromSeconds(170), () => a.Output + b.Output);

            foreach (var kind in EveryMinuteKinds)
            {
                var perMinute = runs.Where(r => r.JobKind == kind).GroupBy(r => Minute(r.StartedUtc)).ToList();
                output.WriteLine($"{kind}: {string.Join(", ", perMinute.Select(g => $"{g.Key:HH:mm} × {g.Count()}"))}");
                Assert.All(perMinute, g => Assert.True(g.Count() == 1, $"{kind} ran {g.Count()} times for the trigger at {g.Key:HH:mm}"));
            }

            Assert.All(runs.Where(r => r.JobKind == MaintenanceJobKinds.CredentialHealthCheck && r.FinishedUtc is not null),
                r => Assert.True(r.Outcome == JobRunOutcome.Succeeded, $"health check {r.Outcome}: {r.Summary}"));
            Assert.False(a.HasExited || b.HasExited);
        }
        finally
        {
            output.WriteLine(a.Output);
            output.WriteLine(b.Output);
        }
    }

    private static DateTime Minute(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc);

    internal static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> diagnostics)
        where T : class
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("Condition not met in time.\n" + diagnostics());
    }

    /// <summary>The real OIDC round trip against the instance's DevIdentity; leaves the session cookie in the browser's jar.</summary>
    internal static async Task SignInAsync(OidcTestBrowser browser, Uri app, string username)
    {
        var (loginUri, loginPage) = await FollowAsync(browser, await browser.Http.GetAsync(new Uri(app, "companies")));
        Assert.Equal("/account/login", loginUri.AbsolutePath);
        var html = await loginPage.Content.ReadAsStringAsync();

        var login = await browser.PostLoginAsync(OidcTestBrowser.AntiforgeryToken(html), username, "dev", OidcTestBrowser.ReturnUrlField(html));
        var (_, formPost) = await FollowAsync(browser, login);
        var formHtml = await formPost.Content.ReadAsStringAsync();
        var action = FormAction().Match(formHtml);
        Assert.True(action.Success, formHtml);
        var fields = HiddenInput().Matches(formHtml).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

        // The handler's correlation and nonce cookies are Secure (SameSite=None); browsers send them to http://127.0.0.1,
        // .NET's cookie jar does not, so the test does what the browser does.
        foreach (Cookie cookie in browser.Cookies.GetAllCookies())
        {
            cookie.Secure = false;
        }

        var callback = await browser.Http.PostAsync(WebUtility.HtmlDecode(action.Groups[1].Value), new FormUrlEncodedContent(fields));
        var (landed, page) = await FollowAsync(browser, callback);
        Assert.Equal("/companies", landed.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static async Task<(Uri Uri, HttpResponseMessage Response)> FollowAsync(OidcTestBrowser browser, HttpResponseMessage response)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
            {
                return (response.RequestMessage!.RequestUri!, response);
            }

            var next = OidcTestBrowser.RedirectTarget(response);
            response.Dispose();
            response = await browser.Http.GetAsync(next);
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();
}

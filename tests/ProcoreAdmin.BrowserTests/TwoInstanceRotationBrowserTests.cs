using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Topology;

namespace ProcoreAdmin.BrowserTests;

/// <summary>
/// Two real app processes on one PostgreSQL database; two admins, each signed in to a different instance in their own
/// browser context, click "Rotate" on the same credential at the same moment. The database's unique index on the
/// active run lets exactly one rotation start; the other admin gets a plain message on the page.
/// </summary>
public sealed class TwoInstanceRotationBrowserTests
{
    [PostgresFact]
    public async Task TwoAdmins_StartARotationOfTheSameCredentialOnDifferentInstances_OneRunStartsAndTheOtherSeesAPlainMessage()
    {
        await using var database = await PostgresDatabase.CreateAsync(migrate: true);
        var simulatorUrl = $"http://127.0.0.1:{AppProcess.FreePort()}";
        Dictionary<string, string> Settings(bool first) => new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = database.ConnectionString,
            ["DevelopmentCompanions:DevIdentityUrl"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
            ["DevelopmentCompanions:Simulator"] = first ? "true" : "false",
            ["DevelopmentCompanions:SimulatorUrl"] = simulatorUrl,
        };

        // A first: it seeds the demo credential (and the key ring) that B then reads.
        await using var a = await AppProcess.StartAsync("A", Settings(first: true));
        await using var b = await AppProcess.StartAsync("B", Settings(first: false));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PROCOREADMIN_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });

        async Task<IPage> AdminOn(AppProcess instance)
        {
            var context = await browser.NewContextAsync(new() { BaseURL = instance.BaseAddress.ToString() });
            context.SetDefaultTimeout(30_000);
            var page = await context.NewPageAsync();
            await page.SignInAsync("admin", "/rotation");
            await page.WaitForCircuitAsync();
            return page;
        }

        var pages = await Task.WhenAll(AdminOn(a), AdminOn(b));
        var rotate = pages.Select(p => p.Locator("#due-credentials tr").Filter(new() { HasText = "ProcoreAdmin Demo" }).Locator("[data-testid=rotate]")).ToArray();
        foreach (var button in rotate)
        {
            await Assertions.Expect(button).ToBeEnabledAsync();
        }

        long credentialId;
        await using (var db = database.CreateDbContext())
        {
            Assert.Empty(await db.RotationRuns.ToListAsync());
            credentialId = (await db.CredentialSets.SingleAsync(x => x.ClientId == "procoreadmin-demo-client")).Id;
        }

        // Both admins click at the same moment.
        await Task.WhenAll(rotate.Select(button => button.ClickAsync()));

        // One page opens the run; the other shows the plain "already in progress" message, on the page it was on.
        await Assertions.Expect(pages[0].Locator("#rotation-run, #rotation-error").First).ToBeVisibleAsync();
        await Assertions.Expect(pages[1].Locator("#rotation-run, #rotation-error").First).ToBeVisibleAsync();
        var opened = new List<IPage>();
        foreach (var page in pages)
        {
            if (await page.Locator("#rotation-run").IsVisibleAsync())
            {
                opened.Add(page);
            }
        }

        Assert.Single(opened);
        var refused = pages.Except(opened).Single();
        await Assertions.Expect(refused.Locator("#rotation-error")).ToContainTextAsync("already in progress");
        await Assertions.Expect(refused.Locator("#rotation-error")).Not.ToContainTextAsync("Exception");
        await Assertions.Expect(refused.Locator("#blazor-error-ui")).Not.ToBeVisibleAsync();
        await Assertions.Expect(refused.Locator("#due-credentials")).ToBeVisibleAsync();

        await using (var db = database.CreateDbContext())
        {
            var runs = await db.RotationRuns.Where(r => r.CredentialId == credentialId).ToListAsync();
            var run = Assert.Single(runs);
            Assert.Equal(RotationRunState.Active, run.State);
            Assert.Equal(credentialId, run.ActiveCredentialId);
            Assert.Single(await db.AuditEvents.Where(e => e.Action == "rotation.start").ToListAsync());
        }

        Assert.False(a.HasExited);
        Assert.False(b.HasExited);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ProcoreAdmin.Data;

namespace ProcoreAdmin.BrowserTests;

/// <summary>
/// An audit row written by an interactive action in a Blazor circuit carries the trace id of that action. Proven here:
/// the row's correlation id is a 32-hex W3C trace id, differs between two actions of the same circuit, and equals the
/// trace id of the root <c>Microsoft.AspNetCore.Components.HandleEvent</c> activity of the form submit that saved the
/// company (the app's OpenTelemetry setup subscribes to that source, so Blazor starts a new trace per event) — not the
/// trace of the circuit or of its long-lived connection.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AuditCorrelationBrowserTests(BrowserFixture fixture)
{
    private static ILocator Field(IPage page, string id) => page.Locator($"input#{id}, textarea#{id}, #{id} input").First;

    [Fact]
    public async Task AuditRow_WrittenByAClickInTheCircuit_HasTheTraceIdOfThatClicksEventActivity()
    {
        // Blazor's component activities in this process, observed only: the app's own OpenTelemetry setup decides sampling.
        var started = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore.Components",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStarted = started.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var page = await fixture.NewPageAsync();
        await page.SignInAsync("admin", "/companies");
        await page.WaitForCircuitAsync();

        var suffix = Random.Shared.Next(100_000, 999_999);
        long[] procoreIds = [5_000_100_000L + suffix, 5_000_200_000L + suffix];
        foreach (var procoreId in procoreIds)
        {
            await page.Locator("#add-company").ClickAsync();
            await Field(page, "company-procore-id").FillAsync(procoreId.ToString());
            await Field(page, "company-name").FillAsync($"Traced Company {procoreId}");
            await page.Locator(".mud-select").Filter(new() { HasText = "Environment" }).First.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex("^Custom$") }).ClickAsync();
            await page.Locator("#company-save").ClickAsync();
            await Assertions.Expect(page.Locator("#companies-table")).ToContainTextAsync($"Traced Company {procoreId}");
        }

        await using var db = await fixture.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var rows = new List<string?>();
        foreach (var procoreId in procoreIds)
        {
            var detail = $"{procoreId} Traced Company {procoreId}";
            rows.Add((await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "company.create" && e.Detail!.StartsWith(detail))).CorrelationId);
        }

        // Each row's correlation id is a W3C trace id ...
        Assert.All(rows, id => Assert.Matches(TraceIdPattern(), id ?? ""));
        // ... different for the two actions (so not the circuit's or the connection's, which both actions share) ...
        Assert.NotEqual(rows[0], rows[1]);
        // ... and exactly the trace of the circuit event that saved the company: Blazor's HandleEvent activity for the
        // click, whose trace holds the INSERT of that company and nothing of the other action.
        var events = started.Where(a => a.Source.Name == "Microsoft.AspNetCore.Components" && a.OperationName.EndsWith("HandleEvent", StringComparison.Ordinal)).ToList();
        foreach (var id in rows)
        {
            Assert.Contains(events, a => a.TraceId.ToString() == id);
            var root = Assert.Single(events, a => a.TraceId.ToString() == id && a.Parent is null);
            Assert.True((string?)root.GetTagItem("aspnetcore.components.attribute.name") == "onsubmit", root.DisplayName);
        }

        await page.Context.CloseAsync();
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdPattern();
}

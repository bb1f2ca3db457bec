using Microsoft.Playwright;

namespace ProcoreAdmin.BrowserTests;

/// <summary>At 390 × 844 (a phone) no page scrolls sideways and table rows shown as cards keep their column names.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneWidthTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("admin")]
    [InlineData("operator")]
    [InlineData("viewer")]
    public async Task EveryPage_AtPhoneWidth_DoesNotScrollSideways_AndCardsKeepTheirLabels(string role)
    {
        var page = await fixture.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await page.SignInAsync(role);
        await page.WaitForCircuitAsync();

        var problems = new List<string>();
        foreach (var path in PageSweep.StaffPages)
        {
            await page.OpenSettledAsync(path);
            var overflow = await page.SidewaysOverflowAsync();
            if (overflow.Length > 0)
            {
                problems.Add($"{role} {path}: {string.Join(", ", overflow)}");
            }

            // The fixed app bar does not widen the page, so check that its controls are on screen.
            var offScreen = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('header button, header a, .mud-appbar button')]
                    .filter(b => { const r = b.getBoundingClientRect(); return r.width > 0 && (r.left < 0 || r.right > document.documentElement.clientWidth); })
                    .map(b => b.id || b.getAttribute('aria-label') || b.textContent.trim())
                """);
            if (offScreen.Length > 0)
            {
                problems.Add($"{role} {path}: app bar controls off screen: {string.Join(", ", offScreen)}");
            }

            // MudTable shows each row as a card on a phone; a cell with content needs its column name beside it.
            var unlabelled = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('.mud-table-smalldevices-sortselect, .mud-xs-table td.mud-table-cell, .mud-sm-table td.mud-table-cell')]
                    .filter(td => td.tagName === 'TD' && td.textContent.trim() !== '' && !(td.getAttribute('data-label') ?? '').trim()
                                  && getComputedStyle(td).display !== 'none')
                    .map(td => td.closest('table')?.closest('[id]')?.id + ': ' + td.textContent.trim().slice(0, 30))
                """);
            if (unlabelled.Length > 0)
            {
                problems.Add($"{role} {path}: cells without a column name: {string.Join(" | ", unlabelled.Take(5))}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CredentialDetail_AtPhoneWidth_KeepsVerifyNowOnScreen()
    {
        var page = await fixture.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await page.SignInAsync("admin", "/credentials/1");
        await page.OpenSettledAsync("/credentials/1");

        var box = await page.Locator("#verify-now").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"Verify now spans {box.X}–{box.X + box.Width} px of a 390 px screen");
        await page.Context.CloseAsync();
    }
}

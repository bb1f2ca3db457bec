using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Audit;

/// <summary>The Audit page says whether the trail is intact, or names the first broken row.</summary>
public sealed class AuditPageChainStatusTests : MudComponentTest, IAsyncLifetime
{
    private TestDatabase _db = null!;
    private AuditTrail _audit = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var key = new AuditChainKey(Options.Create(new AuditOptions { ChainKey = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 7)).ToArray()) }),
            null!, TimeProvider.System);
        var chained = new DbContextOptionsBuilder<AppDbContext>();
        DatabaseSetup.Configure(chained, new DatabaseOptions { ConnectionString = $"Data Source={_db.File}" }, _db.Folder);
        chained.AddInterceptors(new AuditChainInterceptor(key));
        var factory = new Factory(chained.Options);
        _audit = new AuditTrail(factory, TimeProvider.System);

        Context.Services.AddSingleton<IDbContextFactory<AppDbContext>>(factory);
        Context.Services.AddSingleton(_audit);
        Context.Services.AddSingleton(new AuditChainVerifier(factory, key));
        Context.Services.AddSingleton(new AuditChainStatus(TimeProvider.System));
        Context.Services.AddScoped(_ => FixedAuthenticationState.As(StaffRoles.Viewer));
        Context.Services.AddScoped<AuditService>();
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        var auth = Context.AddAuthorization();
        auth.SetAuthorized("Vera Viewer");
        auth.SetRoles(StaffRoles.Viewer);
        auth.SetClaims(new Claim("iss", "https://test-idp"), new Claim("sub", "vera"));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _db.Dispose();
    }

    private async Task AppendAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _audit.RecordAsync(StaffActor.System, "job.run", "job", i.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditOutcomes.Succeeded);
        }
    }

    [Fact]
    public async Task IntactTrail_ShowsIntact_AndATamperedOne_NamesTheBrokenRow()
    {
        await AppendAsync(3);

        var cut = Context.Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.Contains("Audit trail intact", cut.Find("#audit-chain-status").TextContent), TimeSpan.FromSeconds(10));

        await using (var db = _db.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE AuditEvents SET Outcome = 'failed' WHERE Sequence = 2");
        }

        cut.Find("#audit-verify").Click();
        cut.WaitForAssertion(() =>
        {
            var status = cut.Find("#audit-chain-status").TextContent;
            Assert.Contains("tampered", status);
            Assert.Contains("sequence 2", status);
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AuditTable_CredentialTarget_ShowsTheCredentialsName_AndKeepsItsIdInTheLink()
    {
        long id;
        await using (var db = _db.CreateDbContext())
        {
            var credential = new ProcoreAdmin.Data.Credentials.CredentialSet { Label = "Falcon Data Hub", Environment = ProcoreAdmin.ProcoreClient.ProcoreEnvironment.Production, ClientId = "client-falcon" };
            db.CredentialSets.Add(credential);
            await db.SaveChangesAsync();
            id = credential.Id;
        }

        var idText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await _audit.RecordAsync(StaffActor.System, "credential.verify", "Credential", idText, AuditOutcomes.Succeeded);
        await _audit.RecordAsync(StaffActor.System, "apiconsole.call", "credential", idText, AuditOutcomes.Succeeded);

        var cut = Context.Render<AuditPage>();
        cut.WaitForAssertion(() =>
        {
            var cells = cut.FindAll("td[data-testid='audit-target-cell']");
            Assert.Equal(2, cells.Count);
            Assert.All(cells, cell =>
            {
                Assert.Equal("Falcon Data Hub", cell.TextContent.Trim());
                var link = cell.QuerySelector("a")!;
                Assert.EndsWith($"credentials/{idText}", link.GetAttribute("href"), StringComparison.Ordinal);
                Assert.Equal($"credential #{idText}", link.GetAttribute("title"));
            });
        }, TimeSpan.FromSeconds(10));
    }

    private sealed class Factory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Audit;

/// <summary>
/// The audit chain on a real PostgreSQL database, where several instances append at once: concurrent appends are
/// serialized (none fails, the chain does not fork).
/// </summary>
public sealed class AuditChainPostgresTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [PostgresFact]
    public async Task ConcurrentWriters_OnPostgres_AllAppendAndNeverForkTheChain()
    {
        await using var database = await PostgresDatabase.CreateAsync(migrate: true);
        var key = new AuditChainKey(Options.Create(new AuditOptions { ChainKey = Key }), null!, TimeProvider.System);
        var chained = new ChainedFactory(database.Options, new AuditChainInterceptor(key));
        var audit = new AuditTrail(chained, TimeProvider.System);
        const int writers = 6, each = 10;

        // Writers start together and append at once, as admins on several instances do.
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            start.Wait();
            for (var i = 0; i < each; i++)
            {
                await audit.RecordAsync(new StaffActor("https://idp.example", $"subject-{w}", $"Person {w}", StaffRoles.Admin),
                    "job.run", "job", $"{w}-{i}", AuditOutcomes.Succeeded);
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        var report = await new AuditChainVerifier(chained, key).VerifyAsync();
        Assert.True(report.Intact, report.Message);
        Assert.Equal(writers * each, report.SealedRows);
    }

    /// <summary>The PostgreSQL database with the app's provider settings and the chain interceptor, as the app configures it.</summary>
    private sealed class ChainedFactory(DatabaseOptions options, AuditChainInterceptor interceptor) : IDbContextFactory<AppDbContext>
    {
        private readonly DbContextOptions<AppDbContext> _options = Build(options, interceptor);

        private static DbContextOptions<AppDbContext> Build(DatabaseOptions options, AuditChainInterceptor interceptor)
        {
            var builder = new DbContextOptionsBuilder<AppDbContext>();
            DatabaseSetup.Configure(builder, options, Path.GetTempPath());
            builder.AddInterceptors(interceptor);
            return builder.Options;
        }

        public AppDbContext CreateDbContext() => new(_options);
    }
}

using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Audit;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Audit;

/// <summary>
/// The tamper-evident trail on a real SQLite file: rows are sealed as they are saved, and the verifier finds an altered,
/// deleted, re-ordered or unsealed row, or a row re-sealed without the key. Concurrent writers never fork the chain.
/// </summary>
public sealed class AuditChainTests : IDisposable
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private readonly string _folder = Directory.CreateTempSubdirectory("procoreadmin-chain-").FullName;
    private readonly ChainedDatabase _db;
    private readonly AuditTrail _audit;
    private readonly AuditChainVerifier _verifier;

    public AuditChainTests()
    {
        var key = new AuditChainKey(Options.Create(new AuditOptions { ChainKey = Key }), null!, TimeProvider.System);
        _db = new ChainedDatabase(Path.Combine(_folder, "audit.db"), new AuditChainInterceptor(key));
        using (var context = _db.CreateDbContext())
        {
            context.Database.Migrate();
        }

        _audit = new AuditTrail(_db, TimeProvider.System);
        _verifier = new AuditChainVerifier(_db, key);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }

    private static StaffActor Actor(int i) => new("https://idp.example", $"subject-{i}", $"Person {i}", StaffRoles.Admin);

    private async Task AppendAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await _audit.RecordAsync(Actor(i), "credential.update", "credential", i.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditOutcomes.Succeeded, $"change {i}");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var context = _db.CreateDbContext();
        await context.Database.ExecuteSqlRawAsync(sql);
    }

    [Fact]
    public async Task Appends_DirectAndInACallersTransaction_AreSealedInOrderAndVerifyIntact()
    {
        await AppendAsync(3);
        await using (var context = _db.CreateDbContext())
        {
            await using var tx = await context.Database.BeginTransactionAsync();
            _audit.Add(context, Actor(9), "credential.delete", "credential", "9", AuditOutcomes.Succeeded);
            await context.SaveChangesAsync();
            await tx.CommitAsync();
        }

        var report = await _verifier.VerifyAsync();

        Assert.True(report.Intact, report.Message);
        Assert.Equal(4, report.SealedRows);
        await using var read = _db.CreateDbContext();
        var rows = await read.AuditEvents.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([1L, 2, 3, 4], rows.Select(r => r.Sequence!.Value));
        Assert.Equal("", rows[0].PreviousHash);
        Assert.All(rows.Skip(1), (r, i) => Assert.Equal(rows[i].Hash, r.PreviousHash));
    }

    [Fact]
    public async Task AlteredRow_IsReportedAsTheFirstBrokenRow()
    {
        await AppendAsync(5);
        await ExecuteAsync("UPDATE AuditEvents SET Detail = 'nothing happened' WHERE Sequence = 3");

        var report = await _verifier.VerifyAsync();

        Assert.False(report.Intact);
        Assert.Equal(3, report.BrokenSequence);
        Assert.Contains("altered", report.Message);
    }

    [Fact]
    public async Task AlteredRow_ResealedWithoutTheKey_IsStillDetected()
    {
        await AppendAsync(3);
        await using (var context = _db.CreateDbContext())
        {
            var row = await context.AuditEvents.SingleAsync(a => a.Sequence == 2);
            row.Outcome = AuditOutcomes.Denied;
            row.Hash = AuditChainHash.Compute(new byte[32], row); // an attacker's key
            await context.Database.ExecuteSqlAsync($"UPDATE AuditEvents SET Outcome = {row.Outcome}, Hash = {row.Hash} WHERE Id = {row.Id}");
            await context.Database.ExecuteSqlAsync($"UPDATE AuditEvents SET PreviousHash = {row.Hash} WHERE Sequence = 3");
        }

        var report = await _verifier.VerifyAsync();

        Assert.False(report.Intact);
        Assert.Equal(2, report.BrokenSequence);
    }

    [Fact]
    public async Task DeletedRow_IsReportedAsMissing()
    {
        await AppendAsync(5);
        await ExecuteAsync("DELETE FROM AuditEvents WHERE Sequence = 2");

        var report = await _verifier.VerifyAsync();

        Assert.False(report.Intact);
        Assert.Equal(2, report.BrokenSequence);
        Assert.Contains("missing", report.Message);
    }

    [Fact]
    public async Task ReorderedSequence_IsReported()
    {
        await AppendAsync(5);
        await ExecuteAsync("UPDATE AuditEvents SET Sequence = -1 WHERE Sequence = 3; UPDATE AuditEvents SET Sequence = 3 WHERE Sequence = 4; UPDATE AuditEvents SET Sequence = 4 WHERE Sequence = -1");

        var report = await _verifier.VerifyAsync();

        Assert.False(report.Intact);
        Assert.Equal(3, report.BrokenSequence);
    }

    [Fact]
    public async Task RowsSwappedWholeBetweenPositions_AreReportedOutOfOrder()
    {
        await AppendAsync(5);
        // Every column moves with its row, so each row's own hash still matches: only the order gives it away.
        await ExecuteAsync("UPDATE AuditEvents SET Id = -2 WHERE Sequence = 2; UPDATE AuditEvents SET Id = 2 WHERE Sequence = 4; UPDATE AuditEvents SET Id = 4 WHERE Sequence = 2");

        var report = await _verifier.VerifyAsync();

        Assert.False(report.Intact);
        Assert.Contains("order", report.Message);
    }

    [Fact]
    public async Task RemovedSeal_IsReported()
    {
        await AppendAsync(4);
        await ExecuteAsync("UPDATE AuditEvents SET Sequence = NULL, PreviousHash = NULL, Hash = NULL WHERE Sequence = 4");

        var report = await _verifier.VerifyAsync();

        Assert.False(report.Intact);
        Assert.Contains("no chain hash", report.Message);
    }

    [Fact]
    public async Task ConcurrentWriters_NeverForkTheChain()
    {
        const int writers = 4, each = 15;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await _audit.RecordAsync(Actor(w), "job.run", "job", $"{w}-{i}", AuditOutcomes.Succeeded);
            }
        })));

        var report = await _verifier.VerifyAsync();

        Assert.True(report.Intact, report.Message);
        Assert.Equal(writers * each, report.SealedRows);
    }

    [Fact]
    public async Task VerificationJob_ReportsIntact_ThenFailsWithACriticalLogOnceARowIsAltered()
    {
        await AppendAsync(3);
        var log = new Microsoft.Extensions.Logging.Testing.FakeLogger<VerifyAuditChainJob>();
        var status = new AuditChainStatus(TimeProvider.System);
        var job = new VerifyAuditChainJob(_verifier, status, log);

        Assert.StartsWith("Intact: 3 row(s)", await job.RunAsync(CancellationToken.None));
        await ExecuteAsync("UPDATE AuditEvents SET ActorSubject = 'someone-else' WHERE Sequence = 1");
        var failure = await Assert.ThrowsAsync<AuditChainBrokenException>(() => job.RunAsync(CancellationToken.None));

        Assert.Contains("altered", failure.Message);
        Assert.False(status.Last!.Value.Report.Intact);
        Assert.Contains(log.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Critical && r.Message.Contains("tampering"));
    }

    [Fact]
    public async Task Verifier_OnAnEmptyTrail_IsIntact()
    {
        var report = await _verifier.VerifyAsync();

        Assert.True(report.Intact);
        Assert.Equal(0, report.SealedRows);
    }

    /// <summary>A SQLite file with the app's provider settings and the chain interceptor, as the app configures it.</summary>
    private sealed class ChainedDatabase(string file, AuditChainInterceptor interceptor) : IDbContextFactory<AppDbContext>
    {
        private readonly DbContextOptions<AppDbContext> _options = Build(file, interceptor);

        private static DbContextOptions<AppDbContext> Build(string file, AuditChainInterceptor interceptor)
        {
            var builder = new DbContextOptionsBuilder<AppDbContext>();
            DatabaseSetup.Configure(builder, new DatabaseOptions { ConnectionString = $"Data Source={file}" }, Path.GetDirectoryName(file)!);
            builder.AddInterceptors(interceptor);
            return builder.Options;
        }

        public AppDbContext CreateDbContext() => new(_options);
    }
}

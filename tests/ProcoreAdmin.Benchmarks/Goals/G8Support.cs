using System.Data.Common;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Benchmarks.Goals;

/// <summary>Counts SQL commands (reads and writes) sent through EF Core.</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private int _reads;
    private int _writes;
    private int _locked;

    public int Reads => _reads;
    public int Writes => _writes;
    public int Total => _reads + _writes;
    public int DatabaseLocked => _locked;

    public void Reset()
    {
        _reads = 0;
        _writes = 0;
    }

    private void Count(DbCommand command)
    {
        var text = command.CommandText.TrimStart();
        if (text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _reads);
        }
        else
        {
            Interlocked.Increment(ref _writes);
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Count(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (eventData.Exception is SqliteException { SqliteErrorCode: 5 or 6 })
        {
            Interlocked.Increment(ref _locked);
        }
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }
}

/// <summary>Rotation metadata for N credential sets in memory (the registry's one query is not part of this measurement).</summary>
public sealed class InMemoryRotationDirectory(IReadOnlyList<CredentialRotationInfo> infos) : ICredentialDirectory, ICredentialVerifier, ICredentialSecretStore
{
    public int Decryptions;

    public Task<IReadOnlyList<CredentialRotationInfo>> ListRotationInfoAsync(CancellationToken ct = default) => Task.FromResult(infos);

    public Task<IReadOnlyList<CompanyOption>> ListCompaniesAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<CompanyOption>>([]);

    public Task<IReadOnlyList<CredentialOption>> ListCredentialsAsync(long? procoreCompanyId = null, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<CredentialOption>>([]);

    public Task<CredentialOption?> FindCredentialAsync(long credentialId, CancellationToken ct = default) => Task.FromResult<CredentialOption?>(null);

    public ProcoreCredential ToProcoreCredential(CredentialOption credential, SecretSlot slot = SecretSlot.Current) =>
        new($"{credential.CredentialId}:{slot}", credential.Environment, credential.ClientId, _ =>
        {
            Interlocked.Increment(ref Decryptions);
            return ValueTask.FromResult("never");
        });

    public Task<VerificationResult> VerifyAsync(long credentialId, SecretSlot slot, StaffActor actor, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<SecretTestResult> TestSecretAsync(SecretTestRequest request, CancellationToken ct = default) => throw new NotSupportedException();

    public Task SetPendingSecretAsync(long credentialId, string secret, StaffActor actor, CancellationToken ct = default) => throw new NotSupportedException();

    public Task DiscardPendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default) => throw new NotSupportedException();

    public Task PromotePendingSecretAsync(long credentialId, StaffActor actor, CancellationToken ct = default) => throw new NotSupportedException();

    public Task SetStatusAsync(long credentialId, CredentialStatus status, string reason, StaffActor actor, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<(string? Current, string? Pending)> GetFingerprintsAsync(long credentialId, CancellationToken ct = default) => throw new NotSupportedException();

    /// <summary>N credentials; the first <paramref name="due"/> are 3 days from their due date, the rest 200 days.</summary>
    public static IReadOnlyList<CredentialRotationInfo> Make(int count, int due, DateTime now) =>
        Enumerable.Range(1, count).Select(i => new CredentialRotationInfo(i, $"App {i}", ProcoreEnvironment.Production, CredentialStatus.Active, 90,
            i <= due ? now.AddDays(-87) : now.AddDays(110), now.AddYears(-2), $"owner{i}@example.test", false)).ToList();
}

sealed class NoJobs : IBackgroundJobClient, IRecurringJobManager
{
    public string Create(Job job, IState state) => "0";

    public bool ChangeState(string jobId, IState state, string expectedState) => false;

    public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options)
    {
    }

    public void Trigger(string recurringJobId)
    {
    }

    public void RemoveIfExists(string recurringJobId)
    {
    }
}

/// <summary>
/// One "app instance": the real Maintenance/Notifications/Rotation registrations (the tests' <see cref="AppGraph"/>) over a
/// SQLite file (WAL), with a command counter, an in-memory rotation directory and no Hangfire server.
/// </summary>
public sealed class GoalInstance : IAsyncDisposable
{
    private GoalInstance(ServiceProvider services, CommandCounter counter)
    {
        Services = services;
        Counter = counter;
    }

    public ServiceProvider Services { get; }
    public CommandCounter Counter { get; }

    public static async Task<GoalInstance> CreateAsync(string folder, ICredentialDirectory directory, bool migrate, IDictionary<string, string?>? settings = null)
    {
        var counter = new CommandCounter();
        var none = new NoJobs();
        var services = AppGraph.BuildServices(folder, new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(folder, "bench.db")}" }, s =>
        {
            s.AddSingleton(TimeProvider.System);
            s.AddSingleton(directory);
            s.AddSingleton((ICredentialVerifier)directory);
            s.AddSingleton((ICredentialSecretStore)directory);
            s.AddSingleton<IProcoreClient>(_ => throw new NotSupportedException("no Procore calls in G8/G10"));
            s.AddSingleton<IBackgroundJobClient>(none);
            s.AddSingleton<IRecurringJobManager>(none);
            s.AddScoped(_ => new CurrentStaff(new Microsoft.AspNetCore.Components.Server.ServerAuthenticationStateProvider()));
        }, settings ?? new Dictionary<string, string?>
        {
            ["Notifications:Email:Enabled"] = "true",
            ["Notifications:Email:Mode"] = "Pickup",
            ["Notifications:Email:From"] = "bench@example.test",
        }, configureDb: o => o.AddInterceptors(counter), validateScopes: false);
        if (migrate)
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        counter.Reset();
        return new GoalInstance(services, counter);
    }

    public async Task<string> ScanAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ScanRotationRemindersJob>().RunAsync(CancellationToken.None);
    }

    public async Task<string> DeliverAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeliverNotificationsJob>().RunAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Maintenance;

public sealed class MaintenanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PruneJobHistory_RemovesRunsOlderThanRetention_AndRecordsItsOwnRun()
    {
        await using (var db = _db.CreateDbContext())
        {
            db.JobRuns.AddRange(
                new JobRun { JobKind = "old", StartedUtc = Now.UtcDateTime.AddDays(-91), Outcome = JobRunOutcome.Succeeded },
                new JobRun { JobKind = "recent", StartedUtc = Now.UtcDateTime.AddDays(-89), Outcome = JobRunOutcome.Succeeded });
            await db.SaveChangesAsync();
        }

        await Job().RunAsync("schedule", CancellationToken.None);

        await using var check = _db.CreateDbContext();
        var runs = await check.JobRuns.OrderBy(r => r.Id).ToListAsync();
        Assert.Equal(["recent", PruneJobHistoryJob.Kind], runs.Select(r => r.JobKind));
        var own = runs.Last();
        Assert.Equal(JobRunOutcome.Succeeded, own.Outcome);
        Assert.Equal("schedule", own.Trigger);
        Assert.Equal("Removed 1 job run(s) older than 90 days.", own.Summary);
        Assert.Equal(Now.UtcDateTime, own.FinishedUtc);
    }

    [Fact]
    public async Task Recorder_WhenTheJobThrows_RecordsFailureWithoutTheMessage()
    {
        var recorder = new JobRunRecorder(_db, _time, NullLogger<JobRunRecorder>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            recorder.RunAsync("boom", "test", _ => throw new InvalidOperationException("secret-ish detail"), CancellationToken.None));

        await using var db = _db.CreateDbContext();
        var run = await db.JobRuns.SingleAsync();
        Assert.Equal(JobRunOutcome.Failed, run.Outcome);
        Assert.Equal("Failed: InvalidOperationException", run.Summary);
    }

    [Fact]
    public async Task RunNow_AsViewer_IsForbiddenAndQueuesNothing()
    {
        var jobs = new RecordingJobClient();
        var service = new MaintenanceService(_db, jobs, FixedAuthenticationState.As(StaffRoles.Viewer));

        await Assert.ThrowsAsync<StaffForbiddenException>(service.RunHousekeepingNowAsync);
        Assert.Empty(jobs.Created);
    }

    [Fact]
    public async Task RunNow_AsOperator_QueuesTheJobWithALabelOnly()
    {
        var jobs = new RecordingJobClient();
        var service = new MaintenanceService(_db, jobs, FixedAuthenticationState.As(StaffRoles.Operator));

        await service.RunHousekeepingNowAsync();

        var job = Assert.Single(jobs.Created);
        Assert.Equal(typeof(PruneJobHistoryJob), job.Type);
        Assert.Equal("manual:test-subject", job.Args[0]);
    }

    [Fact]
    public async Task RecentRuns_WhenAnonymous_IsForbidden()
    {
        var service = new MaintenanceService(_db, new RecordingJobClient(), new CurrentStaff(new FixedAuthenticationState()));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => service.RecentRunsAsync(10));
    }

    private PruneJobHistoryJob Job() => new(
        new JobRunRecorder(_db, _time, NullLogger<JobRunRecorder>.Instance), _db, _time, Options.Create(new MaintenanceOptions()));

    private sealed class RecordingJobClient : IBackgroundJobClient
    {
        public List<Job> Created { get; } = [];

        public string Create(Job job, IState state)
        {
            Created.Add(job);
            return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => false;
    }
}

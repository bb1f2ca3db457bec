using Microsoft.AspNetCore.Components;
using MudBlazor;
using ProcoreAdmin.Data.Maintenance;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Maintenance;

/// <summary>
/// Schedules (run now, edit, pause, resume, history) and the recent runs of every job. A manual run is watched until
/// it finishes, so its outcome appears without a reload.
/// </summary>
public partial class MaintenancePage
{
    private const string ScheduleGone = "This schedule no longer exists. Refresh to see the current schedules.";

    [Inject] public required MaintenanceService Maintenance { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    private IReadOnlyList<ScheduleView>? _schedules;
    private IReadOnlyList<JobRunView>? _runs;
    private ScheduleView? _editing;
    private int _editSession; // a new editor (fresh form) for every Edit click
    private IReadOnlyList<CredentialOption> _credentialOptions = [];
    private ScheduleView? _historyFor;
    private IReadOnlyList<JobRunView>? _history;
    private string? _saveError;
    private bool _busy;
    private string? _waitingFor;
    private CancellationTokenSource? _watch;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _schedules = await Maintenance.ListSchedulesAsync();
        _runs = await Maintenance.RecentRunsAsync(50);
        if (_historyFor is not null)
        {
            _history = await Maintenance.ScheduleHistoryAsync(_historyFor.Id);
        }
    }

    private async Task EditAsync(ScheduleView schedule)
    {
        _credentialOptions = await Maintenance.CredentialOptionsAsync();
        _editing = schedule;
        _editSession++;
        _saveError = null;
    }

    private Task SaveAsync(ScheduleEdit change) => ActAsync(async () =>
    {
        if (_editing is not { } editing)
        {
            return;
        }

        try
        {
            await Maintenance.UpdateScheduleAsync(editing.Id, change.Cron, change.TimeZoneId);
            if (change.CredentialId != editing.CredentialId)
            {
                await Maintenance.SetScheduleCredentialAsync(editing.Id, change.CredentialId);
            }
        }
        catch (ArgumentException ex)
        {
            // An invalid cron, zone or credential: shown in the editor, which stays open.
            _saveError = ex.Message;
            return;
        }

        Snackbar.Add("Schedule saved; Hangfire uses it from now on.", Severity.Success);
        _editing = null;
    });

    private Task PauseAsync(ScheduleView s) => ActAsync(async () =>
    {
        await Maintenance.PauseAsync(s.Id);
        Snackbar.Add($"“{s.Title}” paused.", Severity.Info);
    });

    private Task ResumeAsync(ScheduleView s) => ActAsync(async () =>
    {
        await Maintenance.ResumeAsync(s.Id);
        Snackbar.Add($"“{s.Title}” resumed.", Severity.Success);
    });

    private async Task ShowHistoryAsync(ScheduleView s)
    {
        _historyFor = s;
        _history = await Maintenance.ScheduleHistoryAsync(s.Id);
    }

    private Task RunHousekeepingAsync() =>
        _schedules?.FirstOrDefault(s => s.Kind == MaintenanceJobKinds.Housekeeping) is { } h ? RunNowAsync(h, "Housekeeping queued; its run appears below when it finishes.") : Task.CompletedTask;

    private Task RunNowAsync(ScheduleView s, string? message = null) => ActAsync(async () =>
    {
        var trigger = await Maintenance.RunNowAsync(s.Id);
        Snackbar.Add(message ?? $"“{s.Title}” queued; its run appears below when it finishes.", Severity.Success);
        _historyFor = s;
        _ = WatchForRunAsync(s.Id, trigger);
    });

    /// <summary>Runs one user action through <see cref="UserActions"/>: a refusal or a vanished schedule becomes a warning message.</summary>
    private async Task ActAsync(Func<Task> action)
    {
        _busy = true;
        _saveError = null;
        var refused = await Actions.RunAsync(async () =>
        {
            await action();
            await LoadAsync();
        }, ScheduleGone);
        if (refused is not null)
        {
            Snackbar.Add(refused, Severity.Warning);
        }

        _busy = false;
    }

    /// <summary>Refreshes until the queued run has finished (bounded to two minutes), showing progress meanwhile.</summary>
    private async Task WatchForRunAsync(long scheduleId, string trigger)
    {
        _watch?.Cancel();
        _watch = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var token = _watch.Token;
        _waitingFor = trigger;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                var runs = await Maintenance.ScheduleHistoryAsync(scheduleId, 50, token);
                var done = runs.Any(r => r.Trigger == trigger && r.FinishedUtc is not null);
                if (done)
                {
                    var schedules = await Maintenance.ListSchedulesAsync(token);
                    var recent = await Maintenance.RecentRunsAsync(50, token);
                    await InvokeAsync(() => { _history = runs; _schedules = schedules; _runs = recent; _waitingFor = null; StateHasChanged(); });
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            await InvokeAsync(() => { _waitingFor = null; StateHasChanged(); });
        }
    }

    public void Dispose()
    {
        _watch?.Cancel();
        GC.SuppressFinalize(this);
    }

    /// <summary>The chip colour of a run's outcome, shared by the schedule table and both run tables.</summary>
    internal static Color OutcomeColor(JobRunOutcome outcome) => outcome switch
    {
        JobRunOutcome.Succeeded => Color.Success,
        JobRunOutcome.Failed => Color.Error,
        JobRunOutcome.Skipped => Color.Default,
        _ => Color.Info,
    };
}

/// <summary>What the schedule editor saves: a 5-field cron, an IANA time zone and the credential the job uses (if any).</summary>
public sealed record ScheduleEdit(string Cron, string TimeZoneId, long? CredentialId);

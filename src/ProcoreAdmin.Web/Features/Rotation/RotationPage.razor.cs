using Microsoft.AspNetCore.Components;
using MudBlazor;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Web.Components.Shared;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>
/// Credential sets by due date (<see cref="DueCredentialsTable"/>), recent runs (<see cref="RecentRunsTable"/>) and the
/// open run's checklist: <see cref="RotationRunHeader"/>, <see cref="RotationStepList"/> and one component per step kind.
/// The open run follows the address (<c>rotation?run={id}</c>): opening or starting one adds a history entry, so a
/// reload shows it again and Back closes it. Alarming actions (suspected compromise, cancelling a run) go through
/// <see cref="ConfirmDialog"/> with the blast radius and a required reason; every action runs through <see cref="UserActions"/>.
/// </summary>
public partial class RotationPage
{
    [Inject] public required RotationService Rotation { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    [SupplyParameterFromQuery(Name = "run")]
    public long? RunId { get; set; }

    [SupplyParameterFromQuery(Name = "credential")]
    public long? CredentialId { get; set; }

    /// <summary>Opened from a credential's page: ask to report a suspected compromise of this credential.</summary>
    [SupplyParameterFromQuery(Name = "compromise")]
    public long? CompromiseCredentialId { get; set; }

    private IReadOnlyList<CredentialDueView>? _due;
    private IReadOnlyList<RotationRunView>? _runs;
    private IReadOnlyList<CredentialOption> _sandboxes = [];
    private RotationRunView? _run;
    private string? _label;
    private VerificationResult? _verification;
    private string? _error;
    private bool _busy;
    private long? _askedCompromiseFor;

    protected override async Task OnParametersSetAsync()
    {
        if (RunId is { } shown && shown == _run?.Id)
        {
            return; // the address caught up with the run this page just opened
        }

        await LoadAsync();
        if (RunId is { } id)
        {
            await ShowRunAsync(id);
        }
        else if (CredentialId is { } cred && _due?.FirstOrDefault(d => d.CredentialId == cred)?.ActiveRunId is { } active)
        {
            await ShowRunAsync(active);
        }
        else
        {
            _run = null; // e.g. Back from a run's address
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Dialogs need the interactive circuit, so the compromise question is asked after the first interactive render.
        if (CompromiseCredentialId is { } credentialId && _askedCompromiseFor != credentialId && _due is not null)
        {
            _askedCompromiseFor = credentialId;
            await ConfirmCompromiseAsync(credentialId);
        }
    }

    // A credential by its name (the label), never by its database id.
    private string CredentialName(long credentialId) =>
        _due?.FirstOrDefault(d => d.CredentialId == credentialId)?.Label ?? (credentialId == _run?.CredentialId ? _label : null) ?? "a removed credential";

    private async Task LoadAsync()
    {
        _due = await Rotation.ListDueAsync();
        _runs = await Rotation.ListRunsAsync(20);
        _sandboxes = await Rotation.SandboxCredentialsAsync();
    }

    /// <summary>Shows a run (or nothing when it does not exist) without touching the address.</summary>
    private async Task ShowRunAsync(long id)
    {
        _run = await Rotation.GetRunAsync(id);
        _label = _due?.FirstOrDefault(d => d.CredentialId == _run?.CredentialId)?.Label;
        _verification = null;
    }

    /// <summary>The person opened a run: show it and put it in the address bar.</summary>
    private async Task OpenRunAsync(long id)
    {
        await ShowRunAsync(id);
        FollowRun();
    }

    /// <summary>A new history entry for the open run, unless the address already shows it. From a compromise link the link is replaced.</summary>
    private void FollowRun()
    {
        if (_run is not null && RunId != _run.Id)
        {
            Navigation.NavigateTo($"rotation?run={_run.Id}", replace: CompromiseCredentialId is not null);
        }
    }

    private void CloseRun()
    {
        _run = null;
        Navigation.NavigateTo("rotation");
    }

    private Task StartAsync(long credentialId, bool urgent, string? reason = null) => GuardAsync(async () =>
    {
        var id = urgent ? await Rotation.ReportCompromiseAsync(credentialId, reason) : await Rotation.StartAsync(credentialId, null);
        Snackbar.Add(urgent ? "Urgent rotation started: owners notified, dependent schedules paused." : "Rotation started.", urgent ? Severity.Warning : Severity.Success);
        await LoadAsync();
        await OpenRunAsync(id);
    });

    public async Task ConfirmCompromiseAsync(long credentialId)
    {
        BlastRadius? radius = null;
        await GuardAsync(async () => radius = await Rotation.BlastRadiusAsync(credentialId));
        if (radius is null)
        {
            _error ??= "That credential set does not exist.";
            StateHasChanged();
            return;
        }

        var answer = await Dialogs.ConfirmAsync(new ConfirmRequest("Report a suspected compromise?", "Start an urgent rotation of", radius.Label, "Report and start urgent rotation")
        {
            Effects =
            [
                .. radius.Describe(notifiesOwners: true, pausesSchedules: true),
                "The credential shows \"Suspected compromise\" until a new secret is verified and promoted, or the run is cancelled.",
            ],
            ReasonLabel = "Why do you suspect a compromise?",
            UndoHint = "Cancelling the run clears the flag and resumes the schedules; the reason stays in the audit trail.",
        });
        if (answer is not null)
        {
            await StartAsync(credentialId, urgent: true, answer.Reason);
        }

        if (CompromiseCredentialId is not null)
        {
            Navigation.NavigateTo(_run is null ? "rotation" : $"rotation?run={_run.Id}", replace: true);
        }
    }

    private async Task ConfirmCancelAsync()
    {
        if (_run is null)
        {
            return;
        }

        var reset = _run.Step(RotationSteps.PendingSecret).State == RotationStepState.Done;
        var answer = await Dialogs.ConfirmAsync(new ConfirmRequest("Cancel this rotation?", "Cancel rotation", $"#{_run.Id}{(_label is null ? "" : $" of {_label}")}", "Cancel rotation")
        {
            Effects =
            [
                "The pending secret (if any) is discarded and the schedules this run paused are resumed.",
                reset
                    ? "The secret was already reset in Procore: the credential stays Down until a new rotation promotes a verified secret."
                    : _run.Urgent
                        ? "The \"Suspected compromise\" flag is cleared: the credential returns to Active. Do not cancel if you still suspect a compromise."
                        : "The credential returns to Active with its current secret.",
            ],
            ReasonLabel = "Why is it cancelled?",
            UndoHint = "A cancelled run cannot be resumed; start a new rotation instead.",
            Color = Color.Warning,
        });
        if (answer is not null)
        {
            await Act(id => Rotation.CancelAsync(id, answer.Reason));
            Snackbar.Add("Rotation cancelled.", Severity.Info);
        }
    }

    private Task PrepareAsync(string? notes) => Act(id => Rotation.PrepareAsync(id, notes));

    private Task RehearseAsync(RehearsalInput input) => Act(id => Rotation.RehearseAsync(id, input.SandboxCredentialId, input.Notes));

    private Task PauseSchedulesAsync() => Act(id => Rotation.PauseSchedulesAsync(id));

    private async Task SavePendingAsync(PendingSecretInput input)
    {
        _verification = null;
        await Act(id => Rotation.SetPendingSecretAsync(id, input.Secret, input.Notes));
        _verification = null;
    }

    private async Task VerifyAsync()
    {
        VerificationResult? result = null;
        await Act(async id => result = await Rotation.VerifyAsync(id));
        _verification = result;
    }

    /// <summary>"Paste another secret": show step 4 again; saving a new pending secret invalidates the earlier verification.</summary>
    private Task PasteAgainAsync() => Act(_ => Task.CompletedTask, resetTo: RotationSteps.PendingSecret);

    private Task PromoteAsync() => Act(id => Rotation.PromoteAsync(id));

    private Task CompleteAsync(string? notes) => Act(id => Rotation.CompleteAsync(id, notes));

    private async Task GuardAsync(Func<Task> action)
    {
        _busy = true;
        _error = null;
        try
        {
            _error = await Actions.RunAsync(action, "That rotation or credential set no longer exists.");
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Runs a step of the open run, then shows the run as it is now (the verification result stays).</summary>
    private async Task Act(Func<long, Task> action, int? resetTo = null)
    {
        if (_run is null)
        {
            return;
        }

        var id = _run.Id;
        await GuardAsync(() => action(id));
        await LoadAsync();
        var verification = _verification;
        await ShowRunAsync(id);
        _verification = verification;
        if (resetTo == RotationSteps.PendingSecret && _run is not null)
        {
            _run = _run with { Steps = _run.Steps.Select(s => s.Number == RotationSteps.PendingSecret ? s with { State = RotationStepState.Pending } : s).ToList() };
        }
    }
}

using Microsoft.AspNetCore.Components;
using MudBlazor;
using ProcoreAdmin.Data.Rotation;
using ProcoreAdmin.Web.Components.Shared;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Rotation;

/// <summary>
/// Credential sets by due date, recent runs and the open run's checklist. Alarming actions (suspected compromise,
/// cancelling a run) go through <see cref="ConfirmDialog"/> with the blast radius and a required reason.
/// </summary>
public partial class RotationPage
{
    [Inject] public required RotationService Rotation { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

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
    private string? _notes;
    private string? _secret;
    private string? _secretError;
    private long? _sandboxId;
    private string? _error;
    private bool _busy;
    private bool _confirmPromote;
    private long? _askedCompromiseFor;

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        if (RunId is { } id)
        {
            await OpenRunAsync(id);
        }
        else if (CredentialId is { } cred && _due?.FirstOrDefault(d => d.CredentialId == cred)?.ActiveRunId is { } active)
        {
            await OpenRunAsync(active);
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

    private async Task OpenRunAsync(long id)
    {
        _run = await Rotation.GetRunAsync(id);
        _label = _due?.FirstOrDefault(d => d.CredentialId == _run?.CredentialId)?.Label;
        _verification = null;
        _notes = null;
        _secretError = null;
        _confirmPromote = false;
    }

    private void CloseRun()
    {
        _run = null;
        Navigation.NavigateTo("rotation", replace: true);
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
            var id = _run.Id;
            await Act(() => Rotation.CancelAsync(id, answer.Reason));
            Snackbar.Add("Rotation cancelled.", Severity.Info);
        }
    }

    /// <summary>Pasting a different secret makes an earlier verification result stale: it disappears at once.</summary>
    private void OnSecretChanged(string? value)
    {
        _secret = value;
        _verification = null;
        _secretError = null;
    }

    private async Task SavePendingAsync()
    {
        var secret = _secret;
        _secretError = RotationEngine.SecretProblem(secret);
        if (_secretError is not null)
        {
            return;
        }

        _secret = null; // never kept in the component after the call
        _verification = null;
        await Act(() => Rotation.SetPendingSecretAsync(_run!.Id, secret ?? "", _notes));
        _verification = null;
    }

    private async Task VerifyAsync()
    {
        VerificationResult? result = null;
        await Act(async () => result = await Rotation.VerifyAsync(_run!.Id));
        _verification = result;
    }

    private static bool VerificationPassed(VerificationResult v) => v.Outcome == VerificationOutcome.Ok && v.MissingCompanyIds.Count == 0;

    /// <summary>What the verification found, in words: a rejected secret reads as such, not as a list of missing companies.</summary>
    private static string VerificationText(VerificationResult v)
    {
        if (VerificationPassed(v))
        {
            return $"Verified: {v.Summary}";
        }

        if (v.Outcome == VerificationOutcome.Ok)
        {
            return $"The new secret works, but Procore did not report these installed companies: {string.Join(", ", v.MissingCompanyIds)}. Check the app's installations before promoting.";
        }

        return $"{CredentialDisplay.OutcomeText(v.Outcome.ToString())}: {v.Summary}";
    }

    private async Task GuardAsync(Func<Task> action)
    {
        _busy = true;
        _error = null;
        try
        {
            await action();
        }
        catch (RecentSignInRequiredException)
        {
            Navigation.NavigateToReauthenticate();
        }
        catch (Exception ex) when (ex is RotationConflictException or RotationStepException or StaffForbiddenException or InvalidOperationException)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task Act(Func<Task> action, int? resetTo = null)
    {
        if (_run is null)
        {
            return;
        }

        _busy = true;
        _error = null;
        var id = _run.Id;
        try
        {
            await action();
            _notes = null;
            _confirmPromote = false;
        }
        catch (RecentSignInRequiredException)
        {
            Navigation.NavigateToReauthenticate();
        }
        catch (Exception ex) when (ex is RotationStepException or RotationConflictException or StaffForbiddenException or InvalidOperationException or ProcoreAdmin.ProcoreClient.ProcoreApiException)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }

        await LoadAsync();
        var verification = _verification;
        await OpenRunAsync(id);
        _verification = verification;
        if (resetTo == RotationSteps.PendingSecret && _run is not null)
        {
            // "Paste another secret": show step 4 again; saving a new pending secret invalidates the earlier verification.
            _run = _run with { Steps = _run.Steps.Select(s => s.Number == RotationSteps.PendingSecret ? s with { State = RotationStepState.Pending } : s).ToList() };
        }
    }

    private static string StepIcon(RotationStepState s) => s switch
    {
        RotationStepState.Done => Icons.Material.Filled.CheckCircle,
        RotationStepState.Skipped => Icons.Material.Filled.SkipNext,
        RotationStepState.Failed => Icons.Material.Filled.Cancel,
        _ => Icons.Material.Outlined.Circle,
    };

    private static Color StepColor(RotationStepState s) => s switch
    {
        RotationStepState.Done => Color.Success,
        RotationStepState.Failed => Color.Error,
        _ => Color.Default,
    };
}

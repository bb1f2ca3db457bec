using Microsoft.AspNetCore.Components;
using MudBlazor;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Web.Components.Shared;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// One credential, composed of <see cref="CredentialHeader"/> (status, Verify now, Edit), <see cref="CredentialMetadataPanel"/>,
/// <see cref="CredentialSecretPanel"/>, <see cref="CredentialHealthPanel"/> (last check), <see cref="CredentialInstallationsPanel"/>,
/// the token broker's consumers, <see cref="CredentialSchedulesPanel"/> and <see cref="CredentialDangerZone"/>. The page holds
/// the state and the actions; destructive ones go behind <see cref="ConfirmDialog"/> with their blast radius, retire is undoable.
/// </summary>
public partial class CredentialDetailPage
{
    [Inject] public required CredentialsService Credentials { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    [Parameter]
    public long Id { get; set; }

    private CredentialDetail? _detail;
    private IReadOnlyList<CredentialConsumer> _schedules = [];
    private bool _loading = true;
    private bool _busy;
    private string? _message;
    private string? _newSecret;
    private string? _secretError;
    private SecretTestResult? _failedTest;

    protected override async Task OnParametersSetAsync()
    {
        await RunAsync(LoadAsync);
        _loading = false;
    }

    private async Task LoadAsync()
    {
        _detail = await Credentials.GetAsync(Id);
        _schedules = _detail is null ? [] : await Credentials.ListConsumersAsync(Id);
    }

    private bool _freshToken;

    public Task VerifyAsync() => RunAsync(async () =>
    {
        var result = await Credentials.VerifyAsync(Id, freshToken: _freshToken);
        var monthly = result.MonthlySandbox is { } m ? $"; monthly sandbox: {CredentialDisplay.OutcomeText(m.Outcome.ToString())}" : "";
        var allOk = result.Outcome == VerificationOutcome.Ok && result.MonthlySandbox is null or { Outcome: VerificationOutcome.Ok };
        Snackbar.Add($"Verification: {CredentialDisplay.OutcomeText(result.Outcome.ToString())}" + (result.Companies.Count == 0 ? $" — {result.Summary}" : "") + monthly, allOk ? Severity.Success : Severity.Warning);
        await LoadAsync();
    });

    public Task ReplaceSecretAsync() => ReplaceSecretAsync(saveAnyway: false);

    public Task ReplaceSecretAnywayAsync() => ReplaceSecretAsync(saveAnyway: true);

    private Task ReplaceSecretAsync(bool saveAnyway) => RunAsync(async () =>
    {
        var result = await Credentials.ReplaceSecretAsync(Id, _newSecret, _detail?.Version ?? 0, saveAnyway);
        _failedTest = result.FailedSecretTest;
        if (_failedTest is null)
        {
            // Kept only while "Replace anyway" is offered for it.
            _newSecret = null;
        }

        _secretError = result[nameof(CredentialInput.Secret)] ?? (_failedTest is null ? result.Message : null);
        if (result.Succeeded)
        {
            Snackbar.Add("Secret tested and replaced.", Severity.Success);
            await LoadAsync();
        }
    });

    /// <summary>What every confirmation on this page lists: installed companies, tied schedules, owners.</summary>
    private List<string> BlastRadius(bool schedulesStop)
    {
        var d = _detail!;
        var lines = new List<string>
        {
            d.Installations.Count == 0
                ? "Installed in no registered company."
                : $"Installed in {d.Installations.Count} compan{(d.Installations.Count == 1 ? "y" : "ies")}: {string.Join(", ", d.Installations.Select(i => $"{i.CompanyName} ({i.ProcoreCompanyId})"))}.",
        };
        if (schedulesStop)
        {
            lines.Add(_schedules.Count == 0
                ? "No maintenance schedule is tied to this credential."
                : $"{_schedules.Count} schedule(s) tied to it stop working: {string.Join(", ", _schedules.Select(s => s.Title))}.");
        }

        if (d.MonthlySandbox is not null)
        {
            lines.Add(ProcoreAdmin.Web.Features.Rotation.BlastRadius.MonthlySandboxLine);
        }

        return lines;
    }

    /// <summary>A suspected compromise starts the urgent rotation (reason, owners notified, schedules paused) on the Rotation page.</summary>
    private void ConfirmCompromiseAsync() => Navigation.NavigateTo($"rotation?compromise={Id}");

    private async Task ConfirmRetireAsync()
    {
        var answer = await Dialogs.ConfirmAsync(new ConfirmRequest("Retire credential set?", "Retire", _detail!.Label, "Retire")
        {
            Effects =
            [
                .. BlastRadius(schedulesStop: true),
                "Health checks, rotation reminders and rotations stop for it; calls with it are no longer offered.",
            ],
            ReasonLabel = "Why is it retired?",
            UndoHint = "An Admin can restore it from this page at any time.",
            Color = Color.Warning,
        });
        if (answer is not null)
        {
            await RetireAsync(answer.Reason);
        }
    }

    public Task RetireAsync(string? reason) => RunAsync(async () =>
    {
        var result = await Credentials.RetireAsync(Id, reason);
        if (result.Succeeded)
        {
            Snackbar.Add($"Retired \"{_detail?.Label}\".", Severity.Info, o =>
            {
                o.Action = "Undo";
                o.ActionColor = Color.Primary;
                o.OnClick = _ => RestoreAsync("Undo right after retiring");
            });
        }

        await LoadAsync();
    });

    public Task RestoreAsync(string? reason = null) => RunAsync(async () =>
    {
        var result = await Credentials.RestoreAsync(Id, reason);
        _message = result.Message;
        if (result.Succeeded)
        {
            Snackbar.Add($"Restored \"{_detail?.Label}\": it is active again.", Severity.Success);
        }

        await LoadAsync();
    });

    private async Task ConfirmUninstallAsync(InstallationView installation)
    {
        var answer = await Dialogs.ConfirmAsync(new ConfirmRequest("Remove installation?", $"Remove the installation of {_detail!.Label} in",
            $"{installation.CompanyName} ({installation.ProcoreCompanyId})", "Remove installation")
        {
            Effects =
            [
                $"Verify now and the health check stop calling Procore for company {installation.ProcoreCompanyId} with this credential.",
                "The project browser and API console no longer offer this credential for that company.",
                "Nothing changes in Procore: the app stays installed there.",
            ],
            UndoHint = "Install it again from the company's page at any time.",
            Color = Color.Warning,
        });
        if (answer is not null)
        {
            await UninstallAsync(installation.CompanyId);
        }
    }

    public Task UninstallAsync(long companyId) => RunAsync(async () =>
    {
        var name = _detail?.Installations.FirstOrDefault(i => i.CompanyId == companyId)?.CompanyName;
        var result = await Credentials.UninstallAsync(Id, companyId);
        _message = result.Message;
        if (result.Succeeded)
        {
            Snackbar.Add($"Removed the installation in {name}.", Severity.Success);
        }

        await LoadAsync();
    });

    private async Task ConfirmDeleteAsync()
    {
        var d = _detail!;
        var answer = await Dialogs.ConfirmAsync(new ConfirmRequest("Delete credential set permanently?", "Delete", d.Label, "Delete permanently")
        {
            Effects =
            [
                .. BlastRadius(schedulesStop: true),
                $"Every secret version ({(d.Current is null ? 0 : 1) + (d.Pending is null ? 0 : 1) + d.RetiredSecretCount}) is destroyed; the audit trail stays.",
            ],
            TypeToConfirm = d.Label,
            UndoHint = "This cannot be undone. To stop using it but keep it restorable, retire it instead.",
        });
        if (answer is not null)
        {
            await DeleteAsync(answer.Typed);
        }
    }

    public Task DeleteAsync(string? typedLabel) => RunAsync(async () =>
    {
        var result = await Credentials.DeleteAsync(Id, typedLabel);
        _message = result["ConfirmLabel"] ?? result.Message;
        if (result.Succeeded)
        {
            Snackbar.Add($"Deleted \"{_detail?.Label}\".", Severity.Success);
            Navigation.NavigateTo("credentials");
        }
    });

    /// <summary>Runs an action; a refusal or a vanished credential becomes a message, never a broken circuit.</summary>
    private async Task RunAsync(Func<Task> action)
    {
        _busy = true;
        _message = null;
        try
        {
            var refused = await Actions.RunAsync(action, "This credential no longer exists.");
            _message ??= refused;
        }
        finally
        {
            _busy = false;
            StateHasChanged();
        }
    }
}

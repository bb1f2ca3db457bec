using Microsoft.AspNetCore.Components;
using MudBlazor;
using ProcoreAdmin.Web.Components.Shared;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Companies;

/// <summary>The registered Procore companies: search, add, edit, and archive (confirmed, undoable) or restore.</summary>
public partial class CompaniesPage
{
    [Inject] public required CompaniesService Companies { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    private IReadOnlyList<CompanyRow>? _rows;
    private string? _search;
    private bool _showArchived;
    private bool _editing;
    private int _formSession; // a fresh form for every Add or Edit
    private bool _saving;
    private long? _editId;
    private int _version;
    private CompanyInput _input = new();
    private FormResult? _result;
    private string? _message;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _message = await Actions.RunAsync(async () => _rows = await Companies.ListAsync(_search, _showArchived)) ?? _message;
        _rows ??= [];
    }

    private async Task SearchAsync(string? value)
    {
        _search = value;
        await LoadAsync();
    }

    private async Task ShowArchivedAsync(bool value)
    {
        _showArchived = value;
        await LoadAsync();
    }

    private void StartAdd()
    {
        _editId = null;
        _input = new CompanyInput();
        OpenForm();
    }

    private void StartEdit(CompanyRow row)
    {
        _editId = row.Id;
        _version = row.Version;
        _input = row.ToInput();
        OpenForm();
    }

    private void OpenForm()
    {
        _result = null;
        _formSession++;
        _editing = true;
    }

    public async Task SaveAsync()
    {
        _saving = true;
        _message = null;
        _message = await Actions.RunAsync(async () =>
        {
            _result = _editId is { } id ? await Companies.UpdateAsync(id, _input, _version) : await Companies.CreateAsync(_input);
            if (_result.Succeeded)
            {
                Snackbar.Add(_editId is null ? $"Company “{_input.Name}” added." : $"Company “{_input.Name}” saved.", Severity.Success);
                _editing = false;
                await LoadAsync();
            }
            else
            {
                _message = _result.Message ?? "Please correct the highlighted fields.";
            }
        }) ?? _message;
        _saving = false;
    }

    /// <summary>Archiving asks first (with what it affects) and can be undone from the message; restoring acts at once.</summary>
    public async Task ConfirmArchiveAsync(CompanyRow row)
    {
        if (row.ArchivedUtc is not null)
        {
            await ArchiveAsync(row);
            return;
        }

        var answer = await Dialogs.ConfirmAsync(new ConfirmRequest("Archive company?", "Archive", $"{row.Name} ({row.ProcoreCompanyId})", "Archive")
        {
            Effects =
            [
                "Hidden from the company list, the project browser and the API console; no new installations.",
                row.CredentialCount == 0
                    ? "No credential set is installed in it."
                    : $"{row.CredentialCount} credential set(s) installed in it keep their installation records.",
            ],
            UndoHint = "An Admin can restore it: switch on Show archived, then choose Restore.",
            Color = Color.Warning,
        });
        if (answer is not null)
        {
            await ArchiveAsync(row);
        }
    }

    public async Task ArchiveAsync(CompanyRow row)
    {
        var refused = await Actions.RunAsync(async () =>
        {
            var archiving = row.ArchivedUtc is null;
            var result = await Companies.SetArchivedAsync(row.Id, archiving);
            _message = result.Message;
            if (result.Succeeded)
            {
                Snackbar.Add(archiving ? $"Archived {row.Name}." : $"Restored {row.Name}.", Severity.Success, o =>
                {
                    if (archiving)
                    {
                        o.Action = "Undo";
                        o.ActionColor = Color.Primary;
                        o.OnClick = _ => ArchiveAsync(row with { ArchivedUtc = DateTime.MinValue }); // "archived" → restore
                    }
                });
            }

            await LoadAsync();
        });
        _message = refused ?? _message;
        await InvokeAsync(StateHasChanged); // also when called from the message's Undo
    }
}

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// Register or edit a credential set (Admins; others see a read-only note). The secret is write-only: it never stays in the
/// form after a save attempt, except while "Save anyway" is offered for it after Procore refused it in the test before save.
/// Composed of <see cref="CredentialDestinationFields"/> (environment, Custom URLs, <see cref="MonthlySandboxField"/>) and
/// <see cref="CredentialFormActions"/>.
/// </summary>
public partial class CredentialFormPage
{
    [Inject] public required CredentialsService Credentials { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IServiceProvider Services { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    [Parameter]
    public long? Id { get; set; }

    [SupplyParameterFromQuery(Name = "company")]
    public long? CompanyId { get; set; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    private CredentialInput _input = new();
    private string? _secret;
    private int _version;
    private FormResult? _result;
    private string? _message;
    private bool _conflict;
    private bool _loading = true;
    private bool _saving;
    private IReadOnlyList<ProcoreAdmin.Data.Companies.Company> _companies = [];
    private bool _canEdit;
    private bool _focusMessage;
    private SecretTestResult? _failedTest;
    private string? _myEmail;

    // A field's error shows until its value changes: an old "required" does not stay under a filled field.
    private readonly Dictionary<string, string?> _errorShownFor = new(StringComparer.Ordinal);

    private string BackHref => Id is null ? "credentials" : $"credentials/{Id}";

    // The simulator's real address when it runs here (its port is chosen at start-up), otherwise a general hint.
    private string LoginUrlHint => (Services.GetService(typeof(IDevelopmentCompanions)) as IDevelopmentCompanions)?.SimulatorAddress is { } simulator
        ? $"e.g. the local simulator {simulator}"
        : "The https base URL of the login host, e.g. a proxy in front of login.procore.com";

    private string CompanyText(long id) =>
        _companies.FirstOrDefault(c => c.Id == id) is { } c ? $"{c.Name} ({c.ProcoreCompanyId})" : id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // After a failed save (often done with the keyboard) focus moves to the message that says what to fix.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusMessage)
        {
            _focusMessage = false;
            try
            {
                await JS.InvokeVoidAsync("procoreAdmin.focus", "#credential-form-message");
            }
            catch (JSException)
            {
                // Focus stays where it was.
            }
        }
    }

    protected override async Task OnInitializedAsync()
    {
        _canEdit = AuthenticationState is not null && (await AuthenticationState).User.IsInRole(StaffRoles.Admin);
        if (!_canEdit)
        {
            _loading = false;
            return;
        }

        _message = await Actions.RunAsync(LoadAsync, "This credential does not exist.") ?? _message;
        _loading = false;
    }

    private async Task LoadAsync()
    {
        _companies = await Credentials.CompaniesForAsync(null);
        if (Id is { } id)
        {
            var detail = await Credentials.GetAsync(id);
            if (detail is null)
            {
                _message = "This credential does not exist.";
                return;
            }

            _input = detail.ToInput();
            _version = detail.Version;
        }
        else if (CompanyId is { } companyId && _companies.FirstOrDefault(c => c.Id == companyId) is { } company)
        {
            _input.Environment = company.Environment;
            _input.CompanyIds = [company.Id];
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        // Owners are people: the signed-in user's address from the identity provider, one click away.
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        var email = user?.FindFirst("email")?.Value;
        _myEmail = email is not null && InputRules.IsEmailAddress(email) ? email : null;
    }

    private void AddMe()
    {
        var current = InputRules.OwnerAddresses(_input.Owners);
        if (_myEmail is not null && !current.Contains(_myEmail, StringComparer.OrdinalIgnoreCase))
        {
            _input.Owners = string.IsNullOrWhiteSpace(_input.Owners) ? _myEmail : $"{_input.Owners.TrimEnd(' ', ',')}, {_myEmail}";
        }
    }

    private Task SaveAnywayAsync() => SaveAsync(saveAnyway: true);

    private Task SaveAsync() => SaveAsync(saveAnyway: false);

    private async Task SaveAsync(bool saveAnyway)
    {
        _saving = true;
        _message = null;
        _conflict = false;
        var keepSecret = false;
        try
        {
            _message = await Actions.RunAsync(async () =>
            {
                _input.SaveAnyway = saveAnyway;
                _input.Secret = string.IsNullOrEmpty(_secret) ? null : _secret;
                _errorShownFor.Clear();
                _result = Id is { } id ? await Credentials.UpdateAsync(id, _input, _version) : await Credentials.CreateAsync(_input);
                if (_result.Succeeded)
                {
                    _secret = null;
                    Navigation.NavigateTo($"credentials/{_result.Id}");
                    return;
                }

                _focusMessage = true;
                _conflict = _result.IsConflict;
                _failedTest = _result.FailedSecretTest;
                if (_failedTest is not null)
                {
                    // The secret stays in its password field so "Save anyway" (or a corrected client id) can use it.
                    keepSecret = true;
                    return;
                }

                _message = (_result.Message ?? "Please correct the highlighted fields.")
                           + (_input.Secret is null ? "" : " For safety the client secret was cleared: paste it again.");
            }, "This credential no longer exists.") ?? _message;
        }
        finally
        {
            // The secret never stays in the form or the model after a save attempt: a failed save asks for it again.
            _input.Secret = null;
            _input.SaveAnyway = false;
            if (!keepSecret)
            {
                _secret = null;
            }

            _saving = false;
        }
    }

    private string? ErrorFor(string field, object? current)
    {
        if (_result?[field] is not { } error)
        {
            return null;
        }

        var value = Convert.ToString(current, System.Globalization.CultureInfo.InvariantCulture);
        if (!_errorShownFor.TryGetValue(field, out var shownFor))
        {
            _errorShownFor[field] = value;
            return error;
        }

        return shownFor == value ? error : null;
    }
}

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.ApiConsole;

/// <summary>
/// The MPR API console: a call form (<see cref="ConsoleCallForm"/>), what Procore answered (<see cref="ConsoleResultView"/>)
/// and the call history (<see cref="ConsoleHistory"/>). Every action runs through <see cref="UserActions"/>.
/// </summary>
public partial class ApiConsolePage
{
    [Inject] public required ApiConsoleService Console { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    private IReadOnlyList<CredentialOption>? _credentials;
    private IReadOnlyList<CompanyOption> _companies = [];
    private IReadOnlyList<ConsoleHistoryEntry> _history = [];
    private CredentialOption? _credential;
    private long? _companyId;
    private bool _onlyMine = true;
    private bool _running;
    private ConsoleResult? _result;
    private RateLimitSnapshot? _rateLimit;
    private string? _error;

    protected override async Task OnInitializedAsync()
    {
        // Nothing is loaded while prerendering; the interactive render loads once.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        _error = await Actions.RunAsync(async () =>
        {
            var canRun = AuthenticationState is not null && (await AuthenticationState).User.IsInRole(StaffRoles.Operator);
            _onlyMine = canRun;
            _companies = await Console.ListCompaniesAsync();
            _credentials = await Console.ListCredentialsAsync();
            OnCredentialChanged(_credentials.Count > 0 ? _credentials[0].CredentialId : null);
            _history = await Console.RecentHistoryAsync(_onlyMine);
        });
        if (_error is not null || _credentials is null)
        {
            _credentials = []; // refused: nothing to run with, the message says why
        }
    }

    private void OnCredentialChanged(long? credentialId)
    {
        _credential = _credentials?.FirstOrDefault(c => c.CredentialId == credentialId);
        _rateLimit = _credential is null ? null : Console.GetRateLimit(_credential);
        if (_credential is not null && (_companyId is null || !_companies.Any(c => c.ProcoreCompanyId == _companyId)))
        {
            _companyId = _credential.InstalledCompanyIds.FirstOrDefault(id => _companies.Any(c => c.ProcoreCompanyId == id)) is var first and > 0
                ? first
                : _companies.Count > 0 ? _companies[0].ProcoreCompanyId : null;
        }
    }

    private async Task RunAsync(ConsoleRequest request)
    {
        _running = true;
        _error = null;
        try
        {
            _error = await Actions.RunAsync(async () =>
            {
                _result = await Console.RunAsync(request);
                _rateLimit = _result.RateLimit ?? _rateLimit;
                _history = await Console.RecentHistoryAsync(_onlyMine);
            });
        }
        finally
        {
            _running = false;
        }
    }

    private async Task OnOnlyMineChangedAsync(bool onlyMine)
    {
        _onlyMine = onlyMine;
        if (await Actions.RunAsync(async () => _history = await Console.RecentHistoryAsync(_onlyMine)) is { } refused)
        {
            _error = refused;
        }
    }
}

using Microsoft.AspNetCore.Components;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.TokenBroker;

[FeatureContract]
public sealed partial class ConsumersPanel
{
    private IReadOnlyList<GrantView> _grants = [];
    private IReadOnlyList<(long Id, string Name)> _companies = [];
    private readonly HashSet<long> _chosen = [];
    private Dictionary<string, string> _errors = [];
    private string? _clientId;
    private string? _description;
    private DateTime? _expires;
    private string? _message;
    private bool _busy;

    [Parameter, EditorRequired]
    public long CredentialId { get; set; }

    [Inject] public required BrokerGrantService Grants { get; init; }

    [Inject] public required ICredentialDirectory Directory { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override Task OnParametersSetAsync() => RunAsync(LoadAsync);

    private async Task LoadAsync()
    {
        _grants = await Grants.ListAsync(CredentialId);
        var credential = await Directory.FindCredentialAsync(CredentialId);
        var names = (await Directory.ListCompaniesAsync()).ToDictionary(c => c.ProcoreCompanyId, c => c.Name);
        _companies = (credential?.InstalledCompanyIds ?? []).Select(id => (id, names.GetValueOrDefault(id) ?? id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    private bool Has(string field) => _errors.ContainsKey(field);

    private string? Err(string field) => _errors.GetValueOrDefault(field);

    private void Toggle(long companyId, bool on)
    {
        if (on)
        {
            _chosen.Add(companyId);
        }
        else
        {
            _chosen.Remove(companyId);
        }
    }

    public Task GrantAsync() => RunAsync(async () =>
    {
        // The date picker gives a local calendar day; the grant runs to the end of that day (UTC).
        DateTime? expires = _expires is { } day ? DateTime.SpecifyKind(day.Date.AddDays(1), DateTimeKind.Utc) : null;
        _errors = await Grants.GrantAsync(CredentialId, _clientId, _description, _chosen.ToList(), expires);
        if (_errors.Count == 0)
        {
            _clientId = null;
            _description = null;
            _expires = null;
            _chosen.Clear();
            await LoadAsync();
        }
    });

    public Task RevokeAsync(long grantId) => RunAsync(async () =>
    {
        await Grants.RevokeAsync(grantId);
        await LoadAsync();
    });

    private async Task RunAsync(Func<Task> action)
    {
        _busy = true;
        _message = null;
        try
        {
            await action();
        }
        catch (StaffForbiddenException ex)
        {
            _message = ex.Message;
        }
        catch (KeyNotFoundException)
        {
            _message = "This credential or grant no longer exists.";
        }
        finally
        {
            _busy = false;
            StateHasChanged();
        }
    }
}

using Microsoft.AspNetCore.Components;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>
/// Every credential set: a status summary (<see cref="CredentialStatusSummary"/>), filters (<see cref="CredentialFilters"/>)
/// and the list (<see cref="CredentialsTable"/>).
/// </summary>
public partial class CredentialsPage
{
    [Inject] public required CredentialsService Credentials { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    private IReadOnlyList<CredentialRow>? _rows;
    private string? _filter;
    private string? _status;
    private string? _environment;
    private string? _error;
    private DateTime _now;

    protected override async Task OnInitializedAsync()
    {
        _now = Time.GetUtcNow().UtcDateTime;
        _error = await Actions.RunAsync(async () => _rows = await Credentials.ListAsync());
        _rows ??= [];
    }

    private IEnumerable<CredentialRow> Filtered => (_rows ?? []).Where(r =>
        (string.IsNullOrWhiteSpace(_filter)
         || r.Label.Contains(_filter, StringComparison.OrdinalIgnoreCase)
         || r.ClientId.Contains(_filter, StringComparison.OrdinalIgnoreCase)
         || (r.Owners ?? "").Contains(_filter, StringComparison.OrdinalIgnoreCase)
         || r.Companies.Any(c => c.Contains(_filter, StringComparison.OrdinalIgnoreCase)))
        && (_status is null || r.Health.ToString() == _status)
        && (_environment is null || r.Environment.ToString() == _environment));
}

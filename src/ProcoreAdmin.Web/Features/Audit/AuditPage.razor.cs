using Microsoft.AspNetCore.Components;

namespace ProcoreAdmin.Web.Features.Audit;

/// <summary>The audit trail: integrity status, filters, a server-paged table and the filtered CSV export.</summary>
public partial class AuditPage
{
    [Inject] public required AuditService Audit { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    private AuditTable? _table;
    private IReadOnlyList<string> _actions = [];
    private AuditFilter _filter = new();
    private string? _error;
    private AuditChainReport? _chain;
    private bool _checking;

    private string ExportUrl => "audit/export.csv?" + string.Join("&", new[] { ("actor", _filter.Actor), ("action", _filter.Action), ("target", _filter.Target), ("outcome", _filter.Outcome) }
        .Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    protected override async Task OnInitializedAsync() =>
        _error = await Actions.RunAsync(async () => _actions = await Audit.ActionsAsync());

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The chain is walked once the page is interactive (not during prerender), then on demand.
        if (firstRender && _error is null)
        {
            await VerifyAsync();
        }
    }

    private Task<AuditQueryResult> LoadAsync(int skip, int take, CancellationToken ct) => Audit.QueryAsync(_filter, skip, take, ct);

    private async Task VerifyAsync()
    {
        _checking = true;
        _chain = null;
        StateHasChanged();
        _error = await Actions.RunAsync(async () => _chain = await Audit.VerifyChainAsync()) ?? _error;
        _checking = false;
        StateHasChanged();
    }

    private async Task FilterChangedAsync(AuditFilter filter)
    {
        _filter = filter;
        if (_table is not null)
        {
            await _table.ReloadAsync();
        }
    }
}

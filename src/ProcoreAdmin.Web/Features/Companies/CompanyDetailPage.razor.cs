using Microsoft.AspNetCore.Components;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Features.Companies;

/// <summary>One company: the credential sets installed in it (status, last check, drift) and installing another one.</summary>
public partial class CompanyDetailPage
{
    [Inject] public required CompaniesService Companies { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    [Parameter]
    public long Id { get; set; }

    private CompanyDetail? _detail;
    private IReadOnlyList<CredentialRow> _credentials = [];
    private bool _loading = true;
    private string? _message;

    private IReadOnlyList<CredentialRow> Installable => _detail is null ? [] :
        _credentials.Where(c => c.Environment == _detail.Company.Environment && _detail.Credentials.All(i => i.CredentialId != c.Id)).ToList();

    protected override async Task OnParametersSetAsync()
    {
        _message = await Actions.RunAsync(LoadAsync) ?? _message;
        _loading = false;
    }

    private async Task LoadAsync()
    {
        _detail = await Companies.GetAsync(Id);
        _credentials = await Companies.ListInstallableCredentialsAsync();
    }

    public async Task InstallAsync(long credentialId) =>
        _message = await Actions.RunAsync(async () =>
        {
            var result = await Companies.InstallCredentialAsync(credentialId, Id);
            _message = result.Message;
            await LoadAsync();
        }) ?? _message;
}

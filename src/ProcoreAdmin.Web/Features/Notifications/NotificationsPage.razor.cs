using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ProcoreAdmin.Web.Features.Notifications;

/// <summary>The signed-in user's notifications with their deliveries: mark read, mark all read, retry a failed delivery.</summary>
public partial class NotificationsPage
{
    [Inject] public required NotificationService Notifications { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required UserActions Actions { get; init; }

    private IReadOnlyList<NotificationView>? _items;
    private bool _unreadOnly;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync() => _items = await Notifications.ListAsync(_unreadOnly);

    private async Task OnFilterChanged(bool value)
    {
        _unreadOnly = value;
        await LoadAsync();
    }

    private Task MarkReadAsync(long id) => ActAsync(async () =>
    {
        await Notifications.MarkReadAsync(id);
        await LoadAsync();
    });

    private Task MarkAllAsync() => ActAsync(async () =>
    {
        var n = await Notifications.MarkAllReadAsync();
        Snackbar.Add($"{n} notification(s) marked read.", Severity.Info);
        await LoadAsync();
    });

    private Task RetryAsync(long deliveryId) => ActAsync(async () =>
    {
        await Notifications.RetryDeliveryAsync(deliveryId);
        Snackbar.Add("Delivery queued again.", Severity.Success);
        await LoadAsync();
    });

    private async Task ActAsync(Func<Task> action)
    {
        if (await Actions.RunAsync(action, "This notification no longer exists. The list has been refreshed.") is { } refused)
        {
            Snackbar.Add(refused, Severity.Warning);
            await LoadAsync();
        }
    }
}

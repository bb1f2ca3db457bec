using Microsoft.AspNetCore.Components;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Shared;

/// <summary>
/// The one place where a page's action meets what a service refuses. Pages run each user action through
/// <see cref="RunAsync"/>: a <see cref="UserFacingException"/> becomes the returned message, a vanished record becomes
/// <c>notFoundMessage</c>, and "confirm it's you" sends the browser to sign in again and back. The circuit survives.
/// </summary>
public sealed class UserActions(NavigationManager navigation)
{
    public const string DefaultNotFoundMessage = "This item no longer exists. Reload the list to see what is there now.";

    /// <summary>Runs <paramref name="action"/>; null when it completed, otherwise the message to show.</summary>
    public async Task<string?> RunAsync(Func<Task> action, string notFoundMessage = DefaultNotFoundMessage)
    {
        try
        {
            await action();
            return null;
        }
        catch (RecentSignInRequiredException ex)
        {
            navigation.NavigateToReauthenticate();
            return ex.Message;
        }
        catch (UserFacingException ex)
        {
            return ex.Message;
        }
        catch (KeyNotFoundException)
        {
            return notFoundMessage;
        }
    }
}

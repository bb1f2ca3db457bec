using Microsoft.AspNetCore.Components.Server.Circuits;
using MudBlazor;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>
/// Closes every snackbar once its time is up, even while the pointer rests on it: MudBlazor pauses a hovered snackbar
/// (and keeps one with an action such as Undo until it is clicked), so a message over the page could otherwise stay
/// indefinitely. The limit is the configured show + visible + hide time, twice over: long enough to read and use Undo.
/// </summary>
public sealed class SnackbarTimeLimit(ISnackbar snackbars, TimeProvider time) : IDisposable
{
    private readonly Dictionary<Snackbar, ITimer> _timers = [];
    private readonly Lock _gate = new();
    private bool _attached;

    /// <summary>How long any snackbar may stay on screen.</summary>
    public TimeSpan Limit
    {
        get
        {
            var c = snackbars.Configuration;
            return TimeSpan.FromMilliseconds(2 * ((double)c.ShowTransitionDuration + c.VisibleStateDuration + c.HideTransitionDuration));
        }
    }

    /// <summary>Starts watching this circuit's snackbars (once).</summary>
    public void Attach()
    {
        lock (_gate)
        {
            if (_attached)
            {
                return;
            }

            _attached = true;
        }

        snackbars.OnSnackbarsUpdated += Track;
    }

    private void Track()
    {
        var shown = snackbars.ShownSnackbars.ToList();
        lock (_gate)
        {
            foreach (var gone in _timers.Keys.Except(shown).ToList())
            {
                _timers[gone].Dispose();
                _timers.Remove(gone);
            }

            foreach (var snackbar in shown.Where(s => !_timers.ContainsKey(s)))
            {
                _timers[snackbar] = time.CreateTimer(static s => ((Snackbar)s!).ForceClose(), snackbar, Limit, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        snackbars.OnSnackbarsUpdated -= Track;
        lock (_gate)
        {
            foreach (var timer in _timers.Values)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }
    }
}

/// <summary>Attaches <see cref="SnackbarTimeLimit"/> to every interactive circuit.</summary>
public sealed class SnackbarTimeLimitCircuitHandler(SnackbarTimeLimit limit) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        limit.Attach();
        return Task.CompletedTask;
    }
}

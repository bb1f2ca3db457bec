using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ProcoreAdmin.Benchmarks.WebApp;

/// <summary>
/// Listens to the ASP.NET Core 10 Blazor meters in this process (the benchmark app is the only app here):
/// <c>aspnetcore.components.circuit.active</c> (meter <see cref="CircuitsMeter"/>, an up-down counter summed here),
/// <c>aspnetcore.components.handle_event.duration</c> (meter <c>Microsoft.AspNetCore.Components</c>, seconds) and
/// <c>aspnetcore.components.render_diff.size</c> (meter <c>Microsoft.AspNetCore.Components.Lifecycle</c>, "{elements}"
/// per render batch). Names checked against Microsoft.AspNetCore.Components(.Server).dll 10.0.12. Start it before the app
/// so that no circuit is missed.
/// </summary>
public sealed class BlazorMeters : IDisposable
{
    public const string CircuitsMeter = "Microsoft.AspNetCore.Components.Server.Circuits";
    public const string CircuitActive = "aspnetcore.components.circuit.active";
    public const string HandleEventDuration = "aspnetcore.components.handle_event.duration";
    public const string RenderDiffSize = "aspnetcore.components.render_diff.size";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, string> _instruments = new();
    private long _activeCircuits;
    private volatile Recording? _recording;

    public BlazorMeters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Microsoft.AspNetCore.Components", StringComparison.Ordinal))
            {
                _instruments[instrument.Name] = instrument.Meter.Name;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == CircuitActive)
            {
                Interlocked.Add(ref _activeCircuits, value);
            }
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == RenderDiffSize)
            {
                _recording?.RenderDiffSizes.Enqueue(value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == HandleEventDuration && _recording is { } recording)
            {
                string? attribute = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "aspnetcore.components.attribute.name")
                    {
                        attribute = tag.Value as string;
                    }
                }

                recording.HandleEvents.Enqueue(new HandledEvent(value * 1000, attribute));
            }
        });
        _listener.Start();
    }

    /// <summary>Circuits in memory (connected or disconnected-but-retained), from the circuit.active counter.</summary>
    public long ActiveCircuits => Interlocked.Read(ref _activeCircuits);

    /// <summary>Instrument names seen so far (meter in the value).</summary>
    public IReadOnlyDictionary<string, string> Instruments => _instruments;

    public bool Has(string instrument) => _instruments.ContainsKey(instrument);

    /// <summary>Starts collecting handle_event and render_diff measurements until the recording is disposed.</summary>
    public Recording Record()
    {
        var recording = new Recording(this);
        _recording = recording;
        return recording;
    }

    /// <summary>Waits until circuit.active equals <paramref name="expected"/>; false on timeout.</summary>
    public async Task<bool> WaitForActiveCircuitsAsync(long expected, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (ActiveCircuits != expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50, ct);
        }

        return true;
    }

    public void Dispose() => _listener.Dispose();

    public sealed record HandledEvent(double Milliseconds, string? Attribute);

    public sealed class Recording(BlazorMeters owner) : IDisposable
    {
        public ConcurrentQueue<HandledEvent> HandleEvents { get; } = new();

        public ConcurrentQueue<int> RenderDiffSizes { get; } = new();

        public void Dispose()
        {
            if (ReferenceEquals(owner._recording, this))
            {
                owner._recording = null;
            }
        }
    }
}

namespace ProcoreAdmin.ProcoreSimulator;

/// <summary>How to start a <see cref="SimulatorHost"/>.</summary>
public sealed class SimulatorHostOptions
{
    /// <summary>Where to listen (http only). <c>http://127.0.0.1:0</c> = any free port; read <see cref="SimulatorHost.BaseAddress"/>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:5380";

    /// <summary>A seed JSON file; null = the shipped default seed.</summary>
    public string? SeedPath { get; set; }

    /// <summary>A seed object; wins over <see cref="SeedPath"/> when set. It is copied at start.</summary>
    public SimulatorSeed? Seed { get; set; }

    /// <summary>The host environment. "Production" is refused.</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>Clock for token expiry, rate-limit windows, <c>Date</c>, <c>created_at</c>, the request log and latency faults.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Minimum level of the simulator's own console logging (Warning by default, so a host app's console stays quiet).</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLogLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Warning;
}

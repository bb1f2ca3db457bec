namespace ProcoreAdmin.ProcoreSimulator;
// TEMPORARY contract stub, replaced by the real implementation on merge.
public sealed class SimulatorSeed;
public sealed class SimulatorState;
public sealed class SimulatorHostOptions { public string Url { get; set; } = "http://127.0.0.1:5380"; public string? SeedPath { get; set; } public SimulatorSeed? Seed { get; set; } public string EnvironmentName { get; set; } = "Development"; public TimeProvider TimeProvider { get; set; } = TimeProvider.System; }
public sealed class SimulatorHost : IAsyncDisposable {
    public static Task<SimulatorHost> StartAsync(SimulatorHostOptions options, CancellationToken ct = default) => throw new InvalidOperationException("stub");
    public Uri BaseAddress { get; } = new("http://127.0.0.1/");
    public SimulatorState State { get; } = new();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

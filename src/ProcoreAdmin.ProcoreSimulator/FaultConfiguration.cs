namespace ProcoreAdmin.ProcoreSimulator;

/// <summary>What an injected fault does to a matching request.</summary>
public enum FaultKind
{
    /// <summary>Delay the request by <see cref="FaultRule.LatencyMs"/> (through the simulator's TimeProvider); the request then proceeds. A long latency simulates a timeout.</summary>
    Latency,

    /// <summary>500 with an HTML body.</summary>
    ServerError,

    /// <summary>502 with an HTML body.</summary>
    BadGateway,

    /// <summary>503 with an HTML body and <c>Retry-After: RetryAfterSeconds</c> (heavy-load throttling).</summary>
    ServiceUnavailable,

    /// <summary>504 with an HTML body.</summary>
    GatewayTimeout,

    /// <summary>429 with the Procore message, <c>X-Rate-Limit-Remaining: 0</c>, a reset <c>RetryAfterSeconds</c> away and <c>Retry-After</c>.</summary>
    TooManyRequests,

    /// <summary>200 with <c>application/json</c> content that is cut off in the middle.</summary>
    MalformedJson,

    /// <summary>The connection is aborted without any response.</summary>
    DropConnection,
}

/// <summary>
/// One injected fault. It applies to requests whose path (with or without the <c>/_env/…</c> prefix) starts with
/// <see cref="PathPrefix"/> (and whose method is <see cref="Method"/> when set). It fires on:
/// the first <see cref="Count"/> matching requests when Count is set; else every <see cref="Every"/>-th matching request
/// when Every is set; else with probability <see cref="Rate"/> (seeded RNG, so a sequential run is repeatable).
/// </summary>
public sealed class FaultRule
{
    public FaultKind Kind { get; set; }

    /// <summary>0..1; used when neither Count nor Every is set.</summary>
    public double Rate { get; set; }

    public int? Count { get; set; }

    public int? Every { get; set; }

    public string? PathPrefix { get; set; }

    public string? Method { get; set; }

    public int LatencyMs { get; set; }

    public int RetryAfterSeconds { get; set; } = 1;

    public FaultRule Clone() => (FaultRule)MemberwiseClone();
}

/// <summary>The set of injected faults (body of <c>PUT /_simulator/faults</c>).</summary>
public sealed class FaultConfiguration
{
    /// <summary>RNG seed for rate-based faults; the seed's random_seed when null.</summary>
    public int? Seed { get; set; }

    public List<FaultRule> Faults { get; set; } = [];

    public FaultConfiguration Clone() => new() { Seed = Seed, Faults = [.. (Faults ?? []).Select(f => f.Clone())] };

    internal void Validate()
    {
        foreach (var fault in Faults ?? [])
        {
            if (fault.Rate is < 0 or > 1 || double.IsNaN(fault.Rate))
            {
                throw new ArgumentException($"Fault {fault.Kind}: rate must be between 0 and 1.");
            }

            if (fault.Count is < 0 || fault.Every is <= 0 || fault.LatencyMs < 0 || fault.RetryAfterSeconds < 0)
            {
                throw new ArgumentException($"Fault {fault.Kind}: count must be >= 0, every > 0, latency_ms and retry_after_seconds >= 0.");
            }

            if (fault.Kind == FaultKind.Latency && fault.LatencyMs == 0)
            {
                throw new ArgumentException("A latency fault needs latency_ms > 0.");
            }
        }
    }
}

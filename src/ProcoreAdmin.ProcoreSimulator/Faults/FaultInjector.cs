namespace ProcoreAdmin.ProcoreSimulator.Faults;

internal readonly record struct FaultDecision(int LatencyMs, FaultRule? Terminal, string? Names);

/// <summary>Evaluates the configured faults for each request. One lock keeps counters and the RNG consistent.</summary>
internal sealed class FaultInjector(int defaultSeed)
{
    private readonly Lock _gate = new();
    private readonly int _defaultSeed = defaultSeed;
    private FaultConfiguration _configuration = new();
    private ActiveRule[] _rules = [];
    private Random _random = new(defaultSeed);

    public FaultConfiguration Current
    {
        get
        {
            lock (_gate)
            {
                return _configuration.Clone();
            }
        }
    }

    public void Set(FaultConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration = configuration.Clone();
        configuration.Validate();
        lock (_gate)
        {
            _configuration = configuration;
            _rules = [.. configuration.Faults.Select(f => new ActiveRule(f))];
            _random = new Random(configuration.Seed ?? _defaultSeed);
        }
    }

    public void Clear() => Set(new FaultConfiguration());

    public FaultDecision Evaluate(string method, string path, string unprefixedPath)
    {
        lock (_gate)
        {
            if (_rules.Length == 0)
            {
                return default;
            }

            var latency = 0;
            FaultRule? terminal = null;
            List<string>? names = null;
            foreach (var active in _rules)
            {
                var rule = active.Rule;
                if (rule.Kind != FaultKind.Latency && terminal is not null)
                {
                    continue;
                }

                if (rule.PathPrefix is { Length: > 0 } prefix
                    && !path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                    && !unprefixedPath.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (rule.Method is { Length: > 0 } m && !m.Equals(method, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                active.Matched++;
                bool fire;
                if (rule.Count is { } count)
                {
                    fire = active.Fired < count;
                }
                else if (rule.Every is { } every)
                {
                    fire = active.Matched % every == 0;
                }
                else
                {
                    fire = rule.Rate > 0 && _random.NextDouble() < rule.Rate;
                }

                if (!fire)
                {
                    continue;
                }

                active.Fired++;
                (names ??= []).Add(ToSnakeCase(rule.Kind));
                if (rule.Kind == FaultKind.Latency)
                {
                    latency += rule.LatencyMs;
                }
                else
                {
                    terminal = rule;
                }
            }

            return new FaultDecision(latency, terminal, names is null ? null : string.Join(",", names));
        }
    }

    internal static string ToSnakeCase(FaultKind kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    private sealed class ActiveRule(FaultRule rule)
    {
        public FaultRule Rule { get; } = rule;

        public long Matched { get; set; }

        public long Fired { get; set; }
    }
}

using Microsoft.AspNetCore.Http;

namespace ProcoreAdmin.ProcoreSimulator.Http;

/// <summary>Per-request facts shared by the endpoint handlers.</summary>
internal sealed class RequestScope(HttpContext context, SimulatorState state, SimulatorEnvironment environment, string route, DateTimeOffset now)
{
    public HttpContext Context { get; } = context;

    public SimulatorState State { get; } = state;

    public SimulatorEnvironment Environment { get; } = environment;

    /// <summary>Path without the <c>/_env/…</c> prefix and without a trailing slash.</summary>
    public string Route { get; } = route;

    public DateTimeOffset Now { get; } = now;

    public RuntimeSettings Settings { get; } = state.Settings;

    public string? FaultNames { get; set; }

    public bool Aborted { get; set; }

    public string? BearerToken
    {
        get
        {
            var value = Context.Request.Headers.Authorization.ToString();
            return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : null;
        }
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ProcoreAdmin.ProcoreSimulator.Http;

/// <summary>
/// <c>/_simulator/*</c>: test and benchmark controls (never served in Production: the host refuses to start there).
/// Not rate limited, not logged, no fault injection.
/// </summary>
internal static class ControlEndpoints
{
    public static async Task HandleAsync(HttpContext context, SimulatorState state, string path)
    {
        var method = context.Request.Method;
        var route = path.TrimEnd('/').ToLowerInvariant();
        try
        {
            switch (route)
            {
                case "/_simulator/faults" when HttpMethods.IsPut(method):
                    state.SetFaults(await ReadFaultsAsync(context));
                    await JsonOut.WriteAsync(context, 200, state.Faults);
                    return;
                case "/_simulator/faults" when HttpMethods.IsGet(method):
                    await JsonOut.WriteAsync(context, 200, state.Faults);
                    return;
                case "/_simulator/faults" when HttpMethods.IsDelete(method):
                    state.ClearFaults();
                    context.Response.StatusCode = 204;
                    return;
                case "/_simulator/requests" when HttpMethods.IsGet(method):
                    await JsonOut.WriteAsync(context, 200, state.GetRequests());
                    return;
                case "/_simulator/requests" when HttpMethods.IsDelete(method):
                    state.ClearRequests();
                    context.Response.StatusCode = 204;
                    return;
                case "/_simulator/stats" when HttpMethods.IsGet(method):
                    await JsonOut.WriteAsync(context, 200, state.GetStats());
                    return;
                case "/_simulator/stats" when HttpMethods.IsDelete(method):
                    state.ResetStats();
                    context.Response.StatusCode = 204;
                    return;
                case "/_simulator/reset" when HttpMethods.IsPost(method):
                    state.Reset();
                    context.Response.StatusCode = 204;
                    return;
                case "/_simulator/config" when HttpMethods.IsGet(method):
                    await JsonOut.WriteAsync(context, 200, state.GetSettings());
                    return;
                case "/_simulator/config" when HttpMethods.IsPut(method) || HttpMethods.IsPatch(method):
                    state.Configure(await ReadAsync<SimulatorSettings>(context) ?? new SimulatorSettings());
                    await JsonOut.WriteAsync(context, 200, state.GetSettings());
                    return;
                case "/_simulator/load" when HttpMethods.IsGet(method):
                    await JsonOut.WriteAsync(context, 200, state.GetBackgroundLoad());
                    return;
                case "/_simulator/load" when HttpMethods.IsPut(method):
                    state.SetBackgroundLoad(await ReadAsync<BackgroundLoadSeed>(context) ?? new BackgroundLoadSeed());
                    await JsonOut.WriteAsync(context, 200, state.GetBackgroundLoad());
                    return;
                case "/_simulator/monthly_sandbox/refresh" when HttpMethods.IsPost(method):
                    state.RefreshMonthlySandbox();
                    context.Response.StatusCode = 204;
                    return;
                case "/_simulator/apps" when HttpMethods.IsGet(method):
                    await JsonOut.WriteAsync(context, 200, w =>
                    {
                        w.WriteStartArray();
                        foreach (var app in state.Apps)
                        {
                            w.WriteStartObject();
                            w.WriteString("name", app.Name);
                            w.WriteString("client_id", app.ClientId);
                            w.WriteString("environment", JsonNamingPolicy.SnakeCaseLower.ConvertName(app.Environment.ToString()));
                            w.WriteStartArray("installations");
                            foreach (var installation in app.Installations.Values.OrderBy(i => i.CompanyId))
                            {
                                w.WriteStartObject();
                                w.WriteNumber("company_id", installation.CompanyId);
                                if (installation.PermittedProjectIds is { } permitted)
                                {
                                    w.WriteStartArray("permitted_project_ids");
                                    foreach (var id in permitted.Order())
                                    {
                                        w.WriteNumberValue(id);
                                    }

                                    w.WriteEndArray();
                                }

                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });
                    return;
            }

            const string resetPrefix = "/_simulator/apps/";
            if (HttpMethods.IsPost(method) && route.StartsWith(resetPrefix, StringComparison.Ordinal) && route.EndsWith("/reset-secret", StringComparison.Ordinal))
            {
                // Use the original (case-preserving) path for the client id.
                var trimmed = path.TrimEnd('/');
                var clientId = Uri.UnescapeDataString(trimmed[resetPrefix.Length..^"/reset-secret".Length]);
                string secret;
                try
                {
                    secret = state.ResetSecret(clientId);
                }
                catch (KeyNotFoundException ex)
                {
                    await JsonOut.ErrorsAsync(context, 404, ex.Message);
                    return;
                }

                context.Response.Headers.CacheControl = "no-store";
                await JsonOut.WriteAsync(context, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("client_secret", secret);
                    w.WriteEndObject();
                });
                return;
            }

            await JsonOut.ErrorsAsync(context, 404, "Unknown simulator control endpoint. See README.md of ProcoreAdmin.ProcoreSimulator.");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException && !context.Response.HasStarted)
        {
            await JsonOut.ErrorsAsync(context, 400, ex.Message);
        }
    }

    private static async Task<FaultConfiguration> ReadFaultsAsync(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? new FaultConfiguration { Faults = document.RootElement.Deserialize<List<FaultRule>>(SimulatorSeed.JsonOptions) ?? [] }
            : document.RootElement.Deserialize<FaultConfiguration>(SimulatorSeed.JsonOptions) ?? new FaultConfiguration();
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context) =>
        await JsonSerializer.DeserializeAsync<T>(context.Request.Body, SimulatorSeed.JsonOptions, context.RequestAborted);
}

using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>
/// Health for orchestrators, anonymous: <c>/health/live</c> (the process answers; no dependency is touched) and
/// <c>/health/ready</c> (database, key ring, Hangfire storage; 503 when one is unhealthy). <c>/health</c> is the same as
/// ready. Anonymous callers get only the overall status; a signed-in Admin also gets each check's description.
/// Nothing carries a secret or a connection string.
/// </summary>
public static class HealthSetup
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<KeyRingHealthCheck>("key-ring", tags: [ReadyTag])
            .AddCheck<HangfireHealthCheck>("hangfire", tags: [ReadyTag]);
        return builder;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        var ready = new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteJsonAsync };
        app.MapHealthChecks("/health", ready).AllowAnonymous();
        app.MapHealthChecks("/health/ready", ready).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync }).AllowAnonymous();
        return app;
    }

    private static async Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var isAdmin = context.User.Identity?.IsAuthenticated == true
            && (await authorization.AuthorizeAsync(context.User, StaffRoles.Policies.Administer)).Succeeded;
        object body = isAdmin
            ? new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            }
            : new { status = report.Status.ToString() };
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}

/// <summary>The key ring can protect and read back a payload (it is loaded, and the certificate opens it).</summary>
internal sealed class KeyRingHealthCheck(IDataProtectionProvider provider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var protector = provider.CreateProtector("ProcoreAdmin.Health.KeyRing");
            var probe = Guid.NewGuid().ToString("N");
            return Task.FromResult(protector.Unprotect(protector.Protect(probe)) == probe
                ? HealthCheckResult.Healthy("Key ring: protects and unprotects.")
                : HealthCheckResult.Unhealthy("Key ring: a round trip returned a different payload."));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Key ring unusable ({ex.GetType().Name})."));
        }
    }
}

internal sealed class DatabaseHealthCheck(IDbContextFactory<AppDbContext> dbFactory, IOptions<DatabaseOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            return pending == 0
                ? HealthCheckResult.Healthy($"{options.Value.Provider}: reachable, schema up to date.")
                : HealthCheckResult.Degraded($"{options.Value.Provider}: {pending} migration(s) not applied.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{options.Value.Provider}: unreachable ({ex.GetType().Name}).");
        }
    }
}

internal sealed class HangfireHealthCheck(JobStorage storage, IOptions<HangfireOptions> settings) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var monitoring = storage.GetMonitoringApi();
            var servers = monitoring.Servers().Count;
            var stats = monitoring.GetStatistics();
            var description = $"{storage.GetType().Name}: {servers} server(s), {stats.Enqueued} enqueued, {stats.Failed} failed, {stats.Recurring} recurring.";
            return Task.FromResult(settings.Value.ServerEnabled && servers == 0
                ? HealthCheckResult.Degraded(description + " No server is processing jobs yet.")
                : HealthCheckResult.Healthy(description));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Hangfire storage unreachable ({ex.GetType().Name})."));
        }
    }
}

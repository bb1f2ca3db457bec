using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Tests.ProcoreClient;

/// <summary>
/// End to end over real sockets: the SocketsHttpHandler that AddProcoreClient configures, against Kestrel on
/// 127.0.0.1 — a fake Procore and a second "attacker" server on another port.
/// </summary>
public sealed class LoopbackHttpTests : IAsyncLifetime
{
    private const string Secret = "TESTSECRET-loopback-7f3a9c";
    private const string Token = "TESTTOKEN-loopback-0b1e2d";

    private readonly ConcurrentQueue<string> _procoreLog = new();
    private readonly ConcurrentQueue<string> _attackerLog = new();
    private WebApplication _procore = null!;
    private WebApplication _attacker = null!;
    private string _attackerUrl = null!;
    private string _procoreUrl = null!;

    public async Task InitializeAsync()
    {
        _attacker = Build();
        _attacker.Run(ctx =>
        {
            _attackerLog.Enqueue($"{ctx.Request.Method} {ctx.Request.Path} auth={ctx.Request.Headers.Authorization}");
            return Task.CompletedTask;
        });
        await _attacker.StartAsync();
        _attackerUrl = _attacker.Urls.First();

        _procore = Build();
        _procore.MapPost("/sim/oauth/token", async ctx =>
        {
            var form = await ctx.Request.ReadFormAsync();
            _procoreLog.Enqueue($"token grant={form["grant_type"]}");
            if (form["client_secret"] != Secret)
            {
                ctx.Response.StatusCode = 401;
                await ctx.Response.WriteAsJsonAsync(new { error = "invalid_client" });
                return;
            }

            await ctx.Response.WriteAsJsonAsync(new { access_token = Token, token_type = "bearer", expires_in = 5400, created_at = 0 });
        });
        _procore.MapGet("/sim/rest/v1.0/me", async ctx =>
        {
            _procoreLog.Enqueue($"me company={ctx.Request.Headers["Procore-Company-Id"]}");
            if (ctx.Request.Headers.Authorization != $"Bearer {Token}")
            {
                ctx.Response.StatusCode = 401;
                return;
            }

            await ctx.Response.WriteAsync("""{"id":9000000000,"login":"svc@x.example","name":"Svc"}""");
        });
        _procore.MapGet("/sim/rest/v1.1/projects", ctx =>
        {
            ctx.Response.Redirect(_attackerUrl + "/steal");
            return Task.CompletedTask;
        });
        await _procore.StartAsync();
        _procoreUrl = _procore.Urls.First();
    }

    public async Task DisposeAsync()
    {
        await _procore.DisposeAsync();
        await _attacker.DisposeAsync();
    }

    private static WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    private (ServiceProvider Services, ProcoreCredential Credential) CreateClient()
    {
        var services = new ServiceCollection().AddLogging().AddProcoreClient().BuildServiceProvider();
        var credential = new ProcoreCredential("loopback", ProcoreEnvironment.Custom, "cid", _ => ValueTask.FromResult(Secret),
            new Uri(_procoreUrl + "/sim/"), new Uri(_procoreUrl + "/sim/"));
        return (services, credential);
    }

    [Fact]
    public async Task Loopback_TokenAndCall_OverRealHandler()
    {
        var (services, credential) = CreateClient();
        await using var _ = services;
        var client = services.GetRequiredService<IProcoreClient>();

        var me = await client.GetMeAsync(credential, 598134325694431);

        Assert.Equal(9000000000, me.Id);
        Assert.Equal(["token grant=client_credentials", "me company=598134325694431"], _procoreLog);
    }

    [Fact]
    public async Task Loopback_RedirectToOtherHost_NeverFollowed()
    {
        var (services, credential) = CreateClient();
        await using var _ = services;
        var client = services.GetRequiredService<IProcoreClient>();

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() =>
            client.GetProjectsPageAsync(credential, 1, new ProjectQuery()));

        Assert.Equal(ProcoreErrorKind.UnexpectedRedirect, ex.Kind);
        Assert.Empty(_attackerLog);
    }
}

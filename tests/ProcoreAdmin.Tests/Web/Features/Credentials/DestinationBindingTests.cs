using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Tests.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>A stored secret only ever goes where it was registered to go: its ciphertext is bound to its hosts.</summary>
public sealed class DestinationBindingTests : IAsyncLifetime
{
    private RegistryHarness _h = null!;
    private TcpListener _attacker = null!;
    private int _attackerConnections;
    private readonly CancellationTokenSource _stop = new();

    public async Task InitializeAsync()
    {
        _h = await RegistryHarness.CreateAsync();
        // A host of the attacker's choosing: it counts every connection it is offered.
        _attacker = new TcpListener(IPAddress.Loopback, 0);
        _attacker.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await _attacker.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _attackerConnections);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        });
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _attacker.Stop();
        await _h.DisposeAsync();
    }

    private string AttackerUrl => $"http://127.0.0.1:{((IPEndPoint)_attacker.LocalEndpoint).Port}/";

    private static string Marker() => "TESTSECRET-" + Guid.NewGuid().ToString("N");

    private async Task<(long Id, int Version)> RegisterAsync(string secret)
    {
        var company = await _h.AddCompanyAsync(5000000001, "Northwind");
        var id = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, secret, company);
        var detail = await _h.Credentials(StaffRoles.Admin).GetAsync(id);
        return (id, detail!.Version);
    }

    private CheckCredentialHealthJob HealthJob() => new(
        _h.DirectoryAs(StaffRoles.Admin), _h.Services.GetRequiredService<ICredentialVerifier>(), _h.Procore, _h.Db,
        new NotificationCenter(_h.Db, new RecordingJobClient(), new StaticOptionsMonitor<NotificationsOptions>(new NotificationsOptions()), TimeProvider.System),
        TimeProvider.System, NullLogger<CheckCredentialHealthJob>.Instance);

    [Theory]
    [InlineData("login")]
    [InlineData("api")]
    [InlineData("both")]
    public async Task Update_BaseUrlChangedWithoutTheSecret_IsRefused_AndVerifyAndHealthCheckNeverReachTheNewHost(string which)
    {
        var (id, version) = await RegisterAsync(RegistryHarness.DemoSecret);
        var input = (await _h.Credentials(StaffRoles.Admin).GetAsync(id))!.ToInput();
        if (which is "login" or "both")
        {
            input.CustomLoginBaseUrl = AttackerUrl;
        }

        if (which is "api" or "both")
        {
            input.CustomApiBaseUrl = AttackerUrl;
        }

        var result = await _h.Credentials(StaffRoles.Admin).UpdateAsync(id, input, version);

        Assert.False(result.Succeeded);
        Assert.Contains("needs the matching client secret again", result[nameof(CredentialInput.Secret)]);
        var stored = (await _h.Credentials(StaffRoles.Admin).GetAsync(id))!;
        Assert.Equal(_h.SimulatorUrl.ToString(), stored.CustomLoginBaseUrl);
        Assert.Equal(_h.SimulatorUrl.ToString(), stored.CustomApiBaseUrl);

        var verified = await _h.Credentials(StaffRoles.Operator).VerifyAsync(id);
        await HealthJob().RunAsync(CancellationToken.None);

        Assert.Equal(VerificationOutcome.Ok, verified.Outcome);
        Assert.Equal(0, Volatile.Read(ref _attackerConnections));
    }

    [Fact]
    public async Task Update_BaseUrlChangedWithTheSecret_DropsCachedTokens_AndAuditsBothHosts()
    {
        var (id, version) = await RegisterAsync(RegistryHarness.DemoSecret);
        var recorder = DispatchProxy.Create<IProcoreClient, ForgetRecorder>();
        ((ForgetRecorder)recorder).Inner = _h.Procore;
        var service = new CredentialsService(_h.Db, FixedAuthenticationState.As(StaffRoles.Admin), _h.Store,
            _h.Services.GetRequiredService<ICredentialVerifier>(), recorder, _h.Services.GetRequiredService<AuditTrail>(), TimeProvider.System);
        // The admin moves the login host and enters the secret for it: the test before save goes to the new host only,
        // with the newly entered secret (the new host does not know it: "save anyway").
        await using var newHost = await ProcoreAdmin.ProcoreSimulator.SimulatorHost.StartAsync(
            new ProcoreAdmin.ProcoreSimulator.SimulatorHostOptions { Url = "http://127.0.0.1:0", EnvironmentName = "Development" });
        var oldHostRequests = _h.Simulator.State.GetRequests().Count;
        var input = (await service.GetAsync(id))!.ToInput();
        input.CustomLoginBaseUrl = newHost.BaseAddress.ToString();
        input.Secret = Marker();
        input.SaveAnyway = true;

        var result = await service.UpdateAsync(id, input, version);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values) + result.Message);
        var atNewHost = Assert.Single(newHost.State.GetRequests());
        Assert.True(atNewHost.IsTokenRequest);
        Assert.Equal(oldHostRequests, _h.Simulator.State.GetRequests().Count);
        Assert.Contains($"{id}:Current", ((ForgetRecorder)recorder).Forgotten);
        Assert.Contains($"{id}:Pending", ((ForgetRecorder)recorder).Forgotten);
        await using var db = await _h.Db.CreateDbContextAsync();
        var audit = await db.AuditEvents.AsNoTracking().SingleAsync(a => a.Action == "credential.destination");
        Assert.Contains($"login {_h.SimulatorUrl.GetLeftPart(UriPartial.Authority)}", audit.Detail);
        Assert.Contains($"login {newHost.BaseAddress.GetLeftPart(UriPartial.Authority)}", audit.Detail);
        Assert.DoesNotContain("TESTSECRET", audit.Detail);
    }

    [Fact]
    public async Task Database_LoginUrlRewrittenBehindTheAppsBack_SecretIsUnreadable_AndNothingReachesTheNewHost()
    {
        var (id, _) = await RegisterAsync(Marker());
        await using (var db = await _h.Db.CreateDbContextAsync())
        {
            await db.CredentialSets.Where(c => c.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomLoginBaseUrl, AttackerUrl).SetProperty(c => c.CustomApiBaseUrl, AttackerUrl));
        }

        await Assert.ThrowsAsync<CredentialUnreadableException>(async () => await _h.Store.RevealForProcoreAsync(id, SecretSlot.Current));
        var verified = await _h.Credentials(StaffRoles.Operator).VerifyAsync(id);
        await HealthJob().RunAsync(CancellationToken.None);

        Assert.Equal(VerificationOutcome.SecretUnreadable, verified.Outcome);
        Assert.Equal(0, Volatile.Read(ref _attackerConnections));
    }

    [Fact]
    public void Binding_DiffersByLoginHostApiHostPortAndScheme_AndIgnoresCustomUrlsOfFixedEnvironments()
    {
        var version = Guid.NewGuid();
        SecretBinding B(string env, string? login, string? api) => SecretBinding.For(7, env, "client", login, api, version);
        var baseline = B("Custom", "https://proxy.example/", "https://api.example/").Purposes;

        Assert.NotEqual(baseline, B("Custom", "https://evil.example/", "https://api.example/").Purposes);
        Assert.NotEqual(baseline, B("Custom", "https://proxy.example/", "https://evil.example/").Purposes);
        Assert.NotEqual(baseline, B("Custom", "https://proxy.example:8443/", "https://api.example/").Purposes);
        Assert.NotEqual(baseline, B("Custom", "http://proxy.example/", "https://api.example/").Purposes);
        Assert.Equal(baseline, B("Custom", "https://PROXY.example", "https://api.example:443/").Purposes);
        Assert.Equal(B("Production", null, null).Purposes, B("Production", "https://evil.example/", "https://evil.example/").Purposes);
        Assert.Contains("destination:https://login.procore.com:443/|https://api.procore.com:443/", B("Production", null, null).Purposes);
    }

    [Fact]
    public async Task Upgrade_SecretStoredBeforeDestinationBinding_StillDecrypts_AndIsThenBoundToItsHosts()
    {
        var secret = Marker();
        var (id, _) = await RegisterAsync(secret);
        await using (var db = await _h.Db.CreateDbContextAsync())
        {
            // Rewrite the row as an earlier version stored it: purposes without the destination.
            var row = await db.CredentialSecrets.SingleAsync(s => s.CredentialSetId == id);
            var set = await db.CredentialSets.AsNoTracking().SingleAsync(c => c.Id == id);
            var legacy = _h.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>()
                .CreateProtector((IEnumerable<string>)[SecretProtector.Purpose, .. SecretBinding.For(id, set.Environment.ToString(), set.ClientId, null, null, row.PublicId).LegacyPurposes]);
            row.Ciphertext = legacy.Protect(System.Text.Encoding.UTF8.GetBytes(secret));
            await db.SaveChangesAsync();
        }

        await Assert.ThrowsAsync<CredentialUnreadableException>(async () => await _h.Store.RevealForProcoreAsync(id, SecretSlot.Current));
        await _h.Protector.VerifyKeyRingAsync();

        var upgrade = ActivatorUtilities.CreateInstance<SecretBindingUpgrade>(_h.Services);
        Assert.Equal(1, await upgrade.RunAsync());
        Assert.Equal(0, await upgrade.RunAsync());

        Assert.Equal(secret, await _h.Store.RevealForProcoreAsync(id, SecretSlot.Current));
        await using (var db = await _h.Db.CreateDbContextAsync())
        {
            await db.CredentialSets.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomLoginBaseUrl, AttackerUrl));
        }

        await Assert.ThrowsAsync<CredentialUnreadableException>(async () => await _h.Store.RevealForProcoreAsync(id, SecretSlot.Current));
    }

    [Fact]
    public async Task Save_CustomUrlsOutsideDevelopment_AreRefusedByTheOutboundPolicy_WithAPlainMessageAndAnAuditRow()
    {
        var policy = new ProcoreAdmin.Web.Hosting.Outbound.OutboundPolicy(
            Options.Create(new ProcoreAdmin.Web.Hosting.Outbound.OutboundPolicyOptions { AllowedHosts = ["proxy.example.test"] }),
            new ProcoreAdmin.Web.Hosting.Outbound.DnsOutboundResolver(),
            new ServiceCollection().AddSingleton<ProcoreAdmin.Web.Hosting.Outbound.IOutboundRefusalRecorder>(
                new OutboundRefusalAuditor(_h.Services.GetRequiredService<AuditTrail>())).BuildServiceProvider(),
            NullLogger<ProcoreAdmin.Web.Hosting.Outbound.OutboundPolicy>.Instance);
        CredentialsService Service(bool allowCustom) => new(_h.Db, FixedAuthenticationState.As(StaffRoles.Admin), _h.Store,
            _h.Services.GetRequiredService<ICredentialVerifier>(), _h.Procore, _h.Services.GetRequiredService<AuditTrail>(), TimeProvider.System,
            outbound: policy, clientOptions: Options.Create(new ProcoreClientOptions { AllowCustomEnvironment = allowCustom }));
        CredentialInput Input(string login, string api) => new()
        {
            Label = "Proxy", Environment = "Custom", ClientId = "client-x", Secret = Marker(), CustomLoginBaseUrl = login, CustomApiBaseUrl = api,
        };

        var metadata = await Service(true).CreateAsync(Input("http://169.254.169.254/", "https://proxy.example.test/"));
        var loopback = await Service(true).CreateAsync(Input("https://proxy.example.test/", "http://127.0.0.1:8080/"));
        var unlisted = await Service(true).CreateAsync(Input("https://evil.example/", "https://proxy.example.test/"));
        var disabled = await Service(false).CreateAsync(Input("https://proxy.example.test/", "https://proxy.example.test/"));
        // An allowed destination passes the policy and goes on to the test before save; the proxy does not exist here, so
        // the test fails and the explicit "save anyway" keeps it (the refused ones above never reach that step).
        var allowedInput = Input("https://proxy.example.test/", "https://proxy.example.test/api/");
        allowedInput.SaveAnyway = true;
        var allowed = await Service(true).CreateAsync(allowedInput);

        Assert.Contains("cloud metadata addresses are not allowed", metadata[nameof(CredentialInput.CustomLoginBaseUrl)]);
        Assert.Contains("loopback addresses are not allowed", loopback[nameof(CredentialInput.CustomApiBaseUrl)]);
        Assert.Contains("not in the outbound allow-list", unlisted[nameof(CredentialInput.CustomLoginBaseUrl)]);
        Assert.Contains("Custom environments are turned off", disabled[nameof(CredentialInput.Environment)]);
        Assert.True(allowed.Succeeded, string.Join("; ", allowed.Errors.Values) + allowed.Message);
        Assert.All([metadata, loopback, unlisted, disabled], r => Assert.Null(r.Message));
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(3, await db.AuditEvents.CountAsync(a => a.Action == OutboundRefusalAuditor.Action));
    }

    /// <summary>Passes every call through and records the keys whose tokens were dropped.</summary>
    public class ForgetRecorder : DispatchProxy
    {
        public IProcoreClient Inner { get; set; } = null!;

        public List<string> Forgotten { get; } = [];

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IProcoreClient.ForgetTokens))
            {
                Forgotten.Add((string)args![0]!);
            }

            return targetMethod.Invoke(Inner, args);
        }
    }

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}

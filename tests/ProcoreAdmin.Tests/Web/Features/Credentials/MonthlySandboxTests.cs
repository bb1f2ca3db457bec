using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreSimulator;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.ApiConsole;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Projects;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>
/// One credential set for production and Procore's monthly sandbox, against the real simulator over HTTP: the monthly
/// sandbox accepts the production app's client id and secret at its own hosts with its own tokens; a production reset
/// reaches it later (here: at its explicit refresh); a developer-sandbox credential keeps its own secret.
/// </summary>
public sealed class MonthlySandboxTests : IAsyncLifetime
{
    private const string SandboxClientId = "procoreadmin-demo-sandbox-client";
    private const string SandboxSecret = "FAKE-procoreadmin-sandbox-secret-not-real";
    private const long Northwind = 5000000001;

    private RegistryHarness _h = null!;

    public async Task InitializeAsync() => _h = await RegistryHarness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private string Production => _h.SimulatorUrl.ToString();

    private string Monthly => new Uri(_h.SimulatorUrl, "_env/monthly_sandbox/").ToString();

    private string DeveloperSandbox => new Uri(_h.SimulatorUrl, "_env/developer_sandbox/").ToString();

    private ICredentialVerifier Verifier => _h.Services.GetRequiredService<ICredentialVerifier>();

    private CredentialInput Covering(string secret, params long[] companies) => new()
    {
        Label = "Demo app", Environment = nameof(ProcoreEnvironment.Custom), ClientId = RegistryHarness.DemoClientId, Secret = secret,
        CustomLoginBaseUrl = Production, CustomApiBaseUrl = Production,
        CoversMonthlySandbox = true, CustomMonthlyLoginBaseUrl = Monthly, CustomMonthlyApiBaseUrl = Monthly,
        CompanyIds = [.. companies],
    };

    private async Task<long> RegisterCoveringAsync()
    {
        var company = await _h.AddCompanyAsync(Northwind, "Northwind");
        var result = await _h.Credentials(StaffRoles.Admin).CreateAsync(Covering(RegistryHarness.DemoSecret, company));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values) + result.Message);
        return result.Id!.Value;
    }

    private void MonthlySandboxFollowsOnlyAtItsRefresh() =>
        _h.Simulator.State.Configure(new SimulatorSettings { MonthlySandbox = new MonthlySandboxSeed { SecretSyncDelaySeconds = -1 } });

    private IReadOnlyList<RequestLogEntry> Requests => _h.Simulator.State.GetRequests();

    [Fact]
    public async Task OneSecret_VerifyNow_GetsTokensInProductionAndTheMonthlySandbox_AndShowsBothResults()
    {
        var id = await RegisterCoveringAsync();
        _h.Simulator.State.ClearRequests();

        var result = await _h.Credentials(StaffRoles.Operator).VerifyAsync(id, freshToken: true);

        Assert.Equal(VerificationOutcome.Ok, result.Outcome);
        var monthly = Assert.IsType<VerificationResult>(result.MonthlySandbox);
        Assert.Equal((VerificationOutcome.Ok, CredentialTarget.MonthlySandbox), (monthly.Outcome, monthly.Target));
        Assert.Contains(Requests, r => (r.Path, r.Environment, r.StatusCode) == ("/oauth/token", SimulatorEnvironment.Production, 200));
        Assert.Contains(Requests, r => (r.Path, r.Environment, r.StatusCode) == ("/_env/monthly_sandbox/oauth/token", SimulatorEnvironment.MonthlySandbox, 200));
        Assert.Contains(Requests, r => (r.Path, r.Environment, r.StatusCode) == ("/_env/monthly_sandbox/rest/v1.0/me", SimulatorEnvironment.MonthlySandbox, 200));
        var detail = await _h.Credentials(StaffRoles.Viewer).GetAsync(id);
        Assert.Equal("Ok", detail!.LastCheckOutcome);
        Assert.Equal("Ok", detail.MonthlySandbox!.LastCheckOutcome);
    }

    [Fact]
    public async Task TokenCache_KeepsTheTwoEnvironmentsApart_SoASecondCheckNeedsNoNewToken()
    {
        var id = await RegisterCoveringAsync();
        await Verifier.VerifyAsync(id, SecretSlot.Current, StaffActor.System);
        var tokensBefore = _h.TokenRequests();

        var again = await Verifier.VerifyAsync(id, SecretSlot.Current, StaffActor.System);

        Assert.Equal((VerificationOutcome.Ok, VerificationOutcome.Ok), (again.Outcome, again.MonthlySandbox!.Outcome));
        Assert.Equal(tokensBefore, _h.TokenRequests());
        Assert.DoesNotContain(Requests, r => r.StatusCode == 401);
        Assert.NotEqual(CredentialTokenKeys.For(id, SecretSlot.Current), CredentialTokenKeys.For(id, SecretSlot.Current, CredentialTarget.MonthlySandbox));
        Assert.Equal(4, CredentialTokenKeys.All(id).Distinct().Count());
    }

    [Fact]
    public async Task ProductionReset_OldSecretRefusedInProductionAtOnce_AndInTheMonthlySandboxAfterItsRefresh_DeveloperSandboxUnaffected()
    {
        MonthlySandboxFollowsOnlyAtItsRefresh();
        var id = await RegisterCoveringAsync();
        var sandboxCompany = await _h.AddCompanyAsync(5000000004, "Sandbox Test Company");
        var sandbox = await _h.Credentials(StaffRoles.Admin).CreateAsync(new CredentialInput
        {
            Label = "Demo sandbox", Environment = nameof(ProcoreEnvironment.Custom), ClientId = SandboxClientId, Secret = SandboxSecret,
            CustomLoginBaseUrl = DeveloperSandbox, CustomApiBaseUrl = DeveloperSandbox, CompanyIds = [sandboxCompany],
        });
        Assert.True(sandbox.Succeeded, string.Join("; ", sandbox.Errors.Values) + sandbox.Message);

        _h.Simulator.State.ResetSecret(RegistryHarness.DemoClientId);
        var afterReset = await Verifier.VerifyAsync(id, SecretSlot.Current, StaffActor.System, freshToken: true);

        Assert.Equal(VerificationOutcome.InvalidClient, afterReset.Outcome);
        Assert.Equal(VerificationOutcome.Ok, afterReset.MonthlySandbox!.Outcome); // not picked up yet: still the old secret there

        _h.Simulator.State.RefreshMonthlySandbox();
        var afterRefresh = await Verifier.VerifyAsync(id, SecretSlot.Current, StaffActor.System, freshToken: true);

        Assert.Equal(VerificationOutcome.InvalidClient, afterRefresh.Outcome);
        Assert.Equal(VerificationOutcome.InvalidClient, afterRefresh.MonthlySandbox!.Outcome);
        Assert.Equal(CredentialVerifier.MonthlySandboxRefusedSummary, afterRefresh.MonthlySandbox.Summary);
        var sandboxCheck = await Verifier.VerifyAsync(sandbox.Id!.Value, SecretSlot.Current, StaffActor.System, freshToken: true);
        Assert.Equal(VerificationOutcome.Ok, sandboxCheck.Outcome);
        Assert.Null(sandboxCheck.MonthlySandbox);
    }

    [Fact]
    public async Task RotationProof_ChecksTheNewSecretInTheMonthlySandbox_AndSaysPlainlyWhenItHasNotPickedItUpYet()
    {
        MonthlySandboxFollowsOnlyAtItsRefresh();
        var id = await RegisterCoveringAsync();
        var newSecret = _h.Simulator.State.ResetSecret(RegistryHarness.DemoClientId);
        await _h.Store.SetPendingSecretAsync(id, newSecret, StaffActor.System);

        var proof = await Verifier.VerifyAsync(id, SecretSlot.Pending, StaffActor.System);

        Assert.Equal(VerificationOutcome.Ok, proof.Outcome);
        Assert.Equal(VerificationOutcome.InvalidClient, proof.MonthlySandbox!.Outcome);
        Assert.Contains("has not picked up the new secret yet", proof.MonthlySandbox.Summary, StringComparison.Ordinal);
        Assert.Contains("does not accept the new secret yet", RotationEngine.MonthlySandboxNote(proof), StringComparison.Ordinal);

        _h.Simulator.State.RefreshMonthlySandbox();
        var later = await Verifier.VerifyAsync(id, SecretSlot.Pending, StaffActor.System);

        Assert.Equal(VerificationOutcome.Ok, later.MonthlySandbox!.Outcome);
        Assert.Equal("Monthly sandbox: the new secret works there too.", RotationEngine.MonthlySandboxNote(later));
    }

    [Fact]
    public async Task Binding_FlagOrMonthlyUrlChangedBehindTheAppsBack_SecretUnreadable_AndNothingIsSent()
    {
        var company = await _h.AddCompanyAsync(Northwind, "Northwind");
        var id = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret, company);
        await using (var db = await _h.Db.CreateDbContextAsync())
        {
            // Someone with database access adds the monthly sandbox as a second destination.
            var set = await db.CredentialSets.SingleAsync(c => c.Id == id);
            set.CoversMonthlySandbox = true;
            set.CustomMonthlyLoginBaseUrl = Monthly;
            set.CustomMonthlyApiBaseUrl = Monthly;
            await db.SaveChangesAsync();
        }

        _h.Procore.ForgetTokens(CredentialTokenKeys.For(id, SecretSlot.Current));
        _h.Simulator.State.ClearRequests();

        var result = await Verifier.VerifyAsync(id, SecretSlot.Current, StaffActor.System);

        Assert.Equal(VerificationOutcome.SecretUnreadable, result.Outcome);
        Assert.Equal(VerificationOutcome.SecretUnreadable, result.MonthlySandbox!.Outcome);
        Assert.Empty(Requests);
    }

    [Fact]
    public async Task Binding_MonthlyUrlOfACoveringSetMovedInTheDatabase_SecretUnreadable_AndNothingIsSent()
    {
        var id = await RegisterCoveringAsync();
        await using (var db = await _h.Db.CreateDbContextAsync())
        {
            var set = await db.CredentialSets.SingleAsync(c => c.Id == id);
            set.CustomMonthlyLoginBaseUrl = DeveloperSandbox;
            await db.SaveChangesAsync();
        }

        CredentialTokenKeys.ForgetAll(_h.Procore, id);
        _h.Simulator.State.ClearRequests();

        var result = await Verifier.VerifyAsync(id, SecretSlot.Current, StaffActor.System);

        Assert.Equal(VerificationOutcome.SecretUnreadable, result.Outcome);
        Assert.Empty(Requests);
    }

    [Theory]
    [InlineData(nameof(ProcoreEnvironment.DeveloperSandbox))]
    [InlineData(nameof(ProcoreEnvironment.MonthlySandbox))]
    [InlineData(nameof(ProcoreEnvironment.Federal))]
    public async Task Create_FlagOnAnEnvironmentOtherThanProduction_IsRefusedByTheServer(string environment)
    {
        var result = await _h.Credentials(StaffRoles.Admin).CreateAsync(new CredentialInput
        {
            Label = "Other", Environment = environment, ClientId = "other-client", Secret = "TESTSECRET-" + Guid.NewGuid().ToString("N"),
            CoversMonthlySandbox = true,
        });

        Assert.False(result.Succeeded);
        Assert.Contains("Only a Production credential set", result[nameof(CredentialInput.CoversMonthlySandbox)]!, StringComparison.Ordinal);
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Empty(await db.CredentialSets.ToListAsync());
        Assert.Equal(0, _h.TokenRequests());
    }

    [Fact]
    public async Task Create_CustomWithoutMonthlyUrlsOrWithTheProductionUrls_IsRefused()
    {
        var missing = Covering("TESTSECRET-" + Guid.NewGuid().ToString("N"));
        missing.CustomMonthlyLoginBaseUrl = null;
        missing.CustomMonthlyApiBaseUrl = null;
        var same = Covering("TESTSECRET-" + Guid.NewGuid().ToString("N"));
        same.CustomMonthlyLoginBaseUrl = Production;
        same.CustomMonthlyApiBaseUrl = Production;

        var a = await _h.Credentials(StaffRoles.Admin).CreateAsync(missing);
        var b = await _h.Credentials(StaffRoles.Admin).CreateAsync(same);

        Assert.NotNull(a[nameof(CredentialInput.CustomMonthlyLoginBaseUrl)]);
        Assert.NotNull(a[nameof(CredentialInput.CustomMonthlyApiBaseUrl)]);
        Assert.Contains("login host of its own", b[nameof(CredentialInput.CustomMonthlyLoginBaseUrl)]!, StringComparison.Ordinal);
        Assert.Contains("API host of its own", b[nameof(CredentialInput.CustomMonthlyApiBaseUrl)]!, StringComparison.Ordinal);
        Assert.Equal(0, _h.TokenRequests());
    }

    [Fact]
    public async Task Update_TurningTheFlagOn_NeedsTheSecretAgain_ThenAuditsTheMonthlySandboxAsANewDestination()
    {
        var company = await _h.AddCompanyAsync(Northwind, "Northwind");
        var id = await _h.AddCredentialAsync(RegistryHarness.DemoClientId, RegistryHarness.DemoSecret, company);
        var service = _h.Credentials(StaffRoles.Admin);
        var detail = (await service.GetAsync(id))!;
        var input = detail.ToInput();
        input.CoversMonthlySandbox = true;
        input.CustomMonthlyLoginBaseUrl = Monthly;
        input.CustomMonthlyApiBaseUrl = Monthly;

        var refused = await service.UpdateAsync(id, input, detail.Version);

        Assert.Contains("monthly sandbox needs the matching client secret again", refused[nameof(CredentialInput.Secret)]!, StringComparison.Ordinal);
        input.Secret = RegistryHarness.DemoSecret;
        var saved = await service.UpdateAsync(id, input, detail.Version);
        Assert.True(saved.Succeeded, string.Join("; ", saved.Errors.Values) + saved.Message);
        var verified = await Verifier.VerifyAsync(id, SecretSlot.Current, StaffActor.System);
        Assert.Equal((VerificationOutcome.Ok, VerificationOutcome.Ok), (verified.Outcome, verified.MonthlySandbox!.Outcome));
        await using var db = await _h.Db.CreateDbContextAsync();
        var audit = await db.AuditEvents.AsNoTracking().SingleAsync(a => a.Action == "credential.destination");
        Assert.Contains("also the monthly sandbox", audit.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("FAKE-", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ProductionSet_MonthlyTarget_UsesTheMonthlySandboxsFixedHosts_AndItsOwnCacheKey()
    {
        var option = new CredentialOption(42, "Prod", ProcoreEnvironment.Production, "client", ProcoreAdmin.Data.Credentials.CredentialStatus.Active, [],
            CoversMonthlySandbox: true);

        var monthly = CredentialMapping.ToProcoreCredential(option, SecretSlot.Current, CredentialTarget.MonthlySandbox, _h.Store);
        var production = CredentialMapping.ToProcoreCredential(option, SecretSlot.Current, CredentialTarget.Primary, _h.Store);

        Assert.Equal(("login-sandbox-monthly.procore.com", "api-monthly.procore.com"), (monthly.Hosts.LoginBaseUrl.Host, monthly.Hosts.ApiBaseUrl.Host));
        Assert.Equal(("login.procore.com", "api.procore.com"), (production.Hosts.LoginBaseUrl.Host, production.Hosts.ApiBaseUrl.Host));
        Assert.Equal("42:Current", production.Key);
        Assert.Equal("42:Current:MonthlySandbox", monthly.Key);
        Assert.Throws<InvalidOperationException>(() =>
            CredentialMapping.ToProcoreCredential(option with { CoversMonthlySandbox = false }, SecretSlot.Current, CredentialTarget.MonthlySandbox, _h.Store));
    }

    [Fact]
    public async Task ApiConsoleAndProjects_MonthlyTarget_CallTheMonthlySandboxOnly_AndRefuseItForASetThatDoesNotCoverIt()
    {
        var id = await RegisterCoveringAsync();
        var directory = _h.DirectoryAs(StaffRoles.Operator);
        var staff = FixedAuthenticationState.As(StaffRoles.Operator);
        var console = new ApiConsoleService(directory, _h.Procore, staff, _h.Services.GetRequiredService<AuditTrail>(), _h.Db, TimeProvider.System,
            NullLogger<ApiConsoleService>.Instance);
        var projects = new ProjectBrowserService(directory, _h.Procore, staff);
        _h.Simulator.State.ClearRequests();

        var me = await console.RunAsync(new ConsoleRequest(id, Northwind, ConsoleEndpoint.Me, Target: CredentialTarget.MonthlySandbox));
        var option = (await directory.FindCredentialAsync(id))!;
        var page = await projects.GetPageAsync(option, Northwind,
            new ProjectListRequest(null, ProjectStatusFilter.Active, null, 1, 10, CredentialTarget.MonthlySandbox));

        Assert.Equal(200, me.Response!.StatusCode);
        Assert.NotEmpty(page.Items);
        Assert.NotEmpty(Requests);
        Assert.All(Requests, r => Assert.Equal(SimulatorEnvironment.MonthlySandbox, r.Environment));

        var company = await _h.AddCompanyAsync(5000000003, "Fabrikam");
        var plain = await _h.AddCredentialAsync("nightly-sync-client", "FAKE-nightly-sync-secret-not-real", company);
        await Assert.ThrowsAsync<UserFacingException>(() =>
            console.RunAsync(new ConsoleRequest(plain, 5000000003, ConsoleEndpoint.Me, Target: CredentialTarget.MonthlySandbox)));
    }

    [Fact]
    public async Task ProjectExport_MonthlyTarget_RequestsTheMonthlySandboxHostOnly_AndNamesItInTheFile()
    {
        const long contoso = 5000000002;
        var company = await _h.AddCompanyAsync(contoso, "Contoso");
        var created = await _h.Credentials(StaffRoles.Admin).CreateAsync(Covering(RegistryHarness.DemoSecret, company));
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Values) + created.Message);
        var directory = _h.DirectoryAs(StaffRoles.Operator);
        var option = (await directory.FindCredentialAsync(created.Id!.Value))!;
        using var store = new ProjectExportStore(TimeProvider.System);
        var exports = new ProjectExportService(directory, _h.Procore, store, FixedAuthenticationState.As(StaffRoles.Operator),
            _h.Services.GetRequiredService<AuditTrail>(), TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new ProcoreClientOptions()),
            NullLogger<ProjectExportService>.Instance);
        _h.Simulator.State.ClearRequests();

        var run = await exports.StartAsync(option, new ProjectExportRequest(option.CredentialId, contoso, null, ProjectStatusFilter.All, CredentialTarget.MonthlySandbox),
            null, CancellationToken.None);

        Assert.NotNull(run.DownloadUrl);
        Assert.Equal(CredentialTarget.MonthlySandbox, run.Job.Request.Target); // the one-time download serves this job
        Assert.Contains("-monthly-sandbox-", run.Job.FileName, StringComparison.Ordinal);
        Assert.True(run.Job.Rows > 0);
        Assert.Contains(Requests, r => r.Path == "/_env/monthly_sandbox/rest/v1.1/projects");
        Assert.All(Requests, r => Assert.Equal(SimulatorEnvironment.MonthlySandbox, r.Environment));
        await using (var file = ProjectExportStore.OpenForDownload(run.Job))
        using (var reader = new StreamReader(file))
        {
            Assert.Equal(ProjectCsv.Header, await reader.ReadLineAsync());
        }

        await using var db = await _h.Db.CreateDbContextAsync();
        var audit = await db.AuditEvents.AsNoTracking().SingleAsync(a => a.Action == "projects.export");
        Assert.Contains("monthly sandbox", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProjectExport_MonthlyTargetWithASetThatDoesNotCoverIt_IsRefusedAndSendsNothing()
    {
        var company = await _h.AddCompanyAsync(5000000003, "Fabrikam");
        var plain = await _h.AddCredentialAsync("nightly-sync-client", "FAKE-nightly-sync-secret-not-real", company);
        var directory = _h.DirectoryAs(StaffRoles.Operator);
        var option = (await directory.FindCredentialAsync(plain))!;
        using var store = new ProjectExportStore(TimeProvider.System);
        var exports = new ProjectExportService(directory, _h.Procore, store, FixedAuthenticationState.As(StaffRoles.Operator),
            _h.Services.GetRequiredService<AuditTrail>(), TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new ProcoreClientOptions()),
            NullLogger<ProjectExportService>.Instance);
        _h.Simulator.State.ClearRequests();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => exports.StartAsync(option,
            new ProjectExportRequest(plain, 5000000003, null, ProjectStatusFilter.All, CredentialTarget.MonthlySandbox), null, CancellationToken.None));

        Assert.Empty(Requests);
    }

    [Fact]
    public async Task ApiConsoleHistory_MonthlyTargetCall_IsRecordedWithItsEnvironment_ProductionCallAsTheSetsOwn()
    {
        var id = await RegisterCoveringAsync();
        var staff = FixedAuthenticationState.As(StaffRoles.Operator);
        var console = new ApiConsoleService(_h.DirectoryAs(StaffRoles.Operator), _h.Procore, staff, _h.Services.GetRequiredService<AuditTrail>(), _h.Db,
            TimeProvider.System, NullLogger<ApiConsoleService>.Instance);

        await console.RunAsync(new ConsoleRequest(id, Northwind, ConsoleEndpoint.Me, Target: CredentialTarget.MonthlySandbox));
        await console.RunAsync(new ConsoleRequest(id, Northwind, ConsoleEndpoint.Me));
        var history = await console.RecentHistoryAsync(onlyMine: true);

        Assert.Equal([CredentialTarget.Primary, CredentialTarget.MonthlySandbox], history.Select(h => h.Target));
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(["MonthlySandbox", null], await db.ApiConsoleCalls.OrderBy(c => c.Id).Select(c => c.Target).ToListAsync());
    }

    [Fact]
    public async Task Save_MonthlySandboxUrlsOutsideThePolicy_AreRefusedByTheOutboundPolicy_LikeTheProductionUrls()
    {
        var policy = new ProcoreAdmin.Web.Hosting.Outbound.OutboundPolicy(
            Microsoft.Extensions.Options.Options.Create(new ProcoreAdmin.Web.Hosting.Outbound.OutboundPolicyOptions { AllowedHosts = ["proxy.example.test"] }),
            new ProcoreAdmin.Web.Hosting.Outbound.DnsOutboundResolver(),
            new ServiceCollection().AddSingleton<ProcoreAdmin.Web.Hosting.Outbound.IOutboundRefusalRecorder>(
                new OutboundRefusalAuditor(_h.Services.GetRequiredService<AuditTrail>())).BuildServiceProvider(),
            NullLogger<ProcoreAdmin.Web.Hosting.Outbound.OutboundPolicy>.Instance);
        var service = new CredentialsService(_h.Db, FixedAuthenticationState.As(StaffRoles.Admin), _h.Store, Verifier, _h.Procore,
            _h.Services.GetRequiredService<AuditTrail>(), TimeProvider.System, outbound: policy);
        var input = Covering("TESTSECRET-" + Guid.NewGuid().ToString("N"));
        input.CustomLoginBaseUrl = "https://proxy.example.test/";
        input.CustomApiBaseUrl = "https://proxy.example.test/api/";
        input.CustomMonthlyLoginBaseUrl = "http://169.254.169.254/";
        input.CustomMonthlyApiBaseUrl = "https://evil.example/";

        var result = await service.CreateAsync(input);

        Assert.Contains("cloud metadata addresses are not allowed", result[nameof(CredentialInput.CustomMonthlyLoginBaseUrl)]!, StringComparison.Ordinal);
        Assert.Contains("not in the outbound allow-list", result[nameof(CredentialInput.CustomMonthlyApiBaseUrl)]!, StringComparison.Ordinal);
        Assert.Null(result[nameof(CredentialInput.CustomLoginBaseUrl)]);
        Assert.Equal(0, _h.TokenRequests());
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Empty(await db.CredentialSets.ToListAsync());
        Assert.Equal(2, await db.AuditEvents.CountAsync(a => a.Action == OutboundRefusalAuditor.Action));
    }

    [Fact]
    public void BlastRadius_OfASetCoveringTheMonthlySandbox_SaysTheResetReachesItToo()
    {
        var radius = new BlastRadius(1, "Demo", ["Northwind (5000000001)"], [], [], MonthlySandbox: true);

        var lines = radius.Describe(notifiesOwners: true, pausesSchedules: true);

        Assert.Contains(BlastRadius.MonthlySandboxLine, lines);
        Assert.DoesNotContain(BlastRadius.MonthlySandboxLine, (radius with { MonthlySandbox = false }).Describe(true, true));
    }
}

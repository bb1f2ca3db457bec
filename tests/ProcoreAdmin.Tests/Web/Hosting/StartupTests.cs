using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Tests.Web.Hosting;

[Collection(AppCollection.Name)]
public sealed class StartupTests
{
    [Fact]
    public void Production_WithoutConfiguration_RefusesToStartAndNamesWhatToFix()
    {
        using var app = new AppFactory { EnvironmentName = "Production", UseTestSignIn = false };

        var message = StartupFailure(app);

        Assert.Contains("Authentication:Oidc:Authority is missing", message);
        Assert.Contains("DataProtection:CertificatePath is required", message);
    }

    [Fact]
    public void Production_WithoutKeyRingCertificate_RefusesToStart()
    {
        using var app = ProductionApp(certificatePath: null);

        var message = StartupFailure(app);

        Assert.Contains("DataProtection:CertificatePath is required", message);
        Assert.DoesNotContain("Authentication:Oidc", message);
    }

    [Fact]
    public void Production_WithCertificate_StoresKeysEncryptedAtRest()
    {
        using var app = ProductionApp(CreateCertificate());
        app.CreateClient().Dispose();

        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("hello", protector.Unprotect(protector.Protect("hello")));

        var keyXml = File.ReadAllText(Directory.GetFiles(Path.Combine(app.Folder, "keys"), "key-*.xml").Single());
        Assert.Contains("encryptedSecret", keyXml);
        Assert.DoesNotContain("<masterKey", keyXml);
    }

    [Fact]
    public void Production_CircuitsHideDetailedErrorsAndLimitMessageSize()
    {
        using var app = ProductionApp(CreateCertificate());
        app.CreateClient().Dispose();

        var circuit = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Components.Server.CircuitOptions>>().Value;
        // Blazor's hub type is internal; its options are HubOptions<ComponentHub>.
        var hubType = typeof(Microsoft.AspNetCore.Components.Server.CircuitOptions).Assembly.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub", throwOnError: true)!;
        var optionsType = typeof(IOptions<>).MakeGenericType(typeof(Microsoft.AspNetCore.SignalR.HubOptions<>).MakeGenericType(hubType));
        var hub = (Microsoft.AspNetCore.SignalR.HubOptions)optionsType.GetProperty("Value")!.GetValue(app.Services.GetRequiredService(optionsType))!;
        Assert.False(circuit.DetailedErrors);
        Assert.False(hub.EnableDetailedErrors ?? false);
        Assert.Equal(64 * 1024, hub.MaximumReceiveMessageSize);
    }

    [Fact]
    public void KeyRing_SurvivesARestart_SoCookiesStayValid()
    {
        string protectedPayload;
        var keys = Directory.CreateTempSubdirectory("procoreadmin-keys-").FullName;
        using (var first = new AppFactory())
        {
            first.Settings["DataProtection:KeysPath"] = keys;
            first.CreateClient().Dispose();
            protectedPayload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("restart").Protect("session");
        }

        using var second = new AppFactory();
        second.Settings["DataProtection:KeysPath"] = keys;
        second.CreateClient().Dispose();
        Assert.Equal("session", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("restart").Unprotect(protectedPayload));
    }

    /// <summary>The start-up validation failures, flattened (the host aggregates one exception per options type).</summary>
    private static string StartupFailure(AppFactory app)
    {
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        var failures = error is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [error];
        Assert.All(failures, f => Assert.IsType<OptionsValidationException>(f));
        return string.Join(" ", failures.Cast<OptionsValidationException>().SelectMany(f => f.Failures));
    }

    private static string CreateCertificate()
    {
        var pfx = Path.Combine(Directory.CreateTempSubdirectory("procoreadmin-cert-").FullName, "dp.pfx");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=ProcoreAdmin Data Protection Test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, CertificatePassword));
        return pfx;
    }

    private const string CertificatePassword = "test-password";

    private static AppFactory ProductionApp(string? certificatePath)
    {
        var app = new AppFactory { EnvironmentName = "Production" };
        app.Settings["Authentication:Oidc:Authority"] = "https://idp.example.test/";
        app.Settings["Authentication:Oidc:ClientId"] = "procoreadmin";
        app.Settings["Authentication:Oidc:ClientSecret"] = "from-environment";
        app.Settings["Authentication:Oidc:RoleMapping:Admin:0"] = "admins";
        if (certificatePath is not null)
        {
            app.Settings["DataProtection:CertificatePath"] = certificatePath;
            app.Settings["DataProtection:CertificatePassword"] = CertificatePassword;
        }

        return app;
    }
}

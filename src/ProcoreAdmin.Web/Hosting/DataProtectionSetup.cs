using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data;

namespace ProcoreAdmin.Web.Hosting;

/// <summary>
/// Section <c>DataProtection</c>: where the key ring lives and what protects it at rest.
/// The key ring protects sign-in cookies and antiforgery tokens, and (from the credential registry on) client secrets.
/// </summary>
public sealed class DataProtectionOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>
    /// Where the key ring lives: <c>Database</c> (table <c>DataProtectionKeys</c>, shared by every instance on the database)
    /// or <c>Folder</c> (<see cref="KeysPath"/>). Default: <c>Database</c> on PostgreSQL, <c>Folder</c> otherwise.
    /// </summary>
    public KeyRingStore? Store { get; set; }

    /// <summary>Folder for the key ring, outside the database. Default: <c>App_Data/keys</c> under the content root.
    /// Several instances must share it (a network share or a mounted volume).</summary>
    public string? KeysPath { get; set; }

    /// <summary>A PFX certificate that encrypts keys at rest. Required outside Development.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX password: environment variable <c>DataProtection__CertificatePassword</c> or user secrets.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Older certificates that may still unwrap existing keys after a certificate rotation.</summary>
    public List<string> PreviousCertificatePaths { get; set; } = [];
}

public enum KeyRingStore
{
    Folder,
    Database,
}

public sealed class DataProtectionOptionsValidator(IHostEnvironment environment) : IValidateOptions<DataProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, DataProtectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"DataProtection:CertificatePath is required in the {environment.EnvironmentName} environment: the key ring that protects " +
                    "sign-in cookies and client secrets must be encrypted at rest. Point it at a PFX file and set DataProtection__CertificatePassword.");
        }

        if (!File.Exists(options.CertificatePath))
        {
            return ValidateOptionsResult.Fail(
                $"DataProtection:CertificatePath '{options.CertificatePath}' does not exist. Without it the existing key ring cannot be read; " +
                "restore the certificate rather than starting with a new key ring.");
        }

        return ValidateOptionsResult.Success;
    }
}

public static class DataProtectionSetup
{
    public const string ApplicationName = "ProcoreAdmin";

    public static WebApplicationBuilder AddKeyRing(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DataProtectionOptions>()
            .Bind(builder.Configuration.GetSection(DataProtectionOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DataProtectionOptions>, DataProtectionOptionsValidator>();

        var settings = builder.Configuration.GetSection(DataProtectionOptions.SectionName).Get<DataProtectionOptions>() ?? new DataProtectionOptions();
        var keysPath = string.IsNullOrWhiteSpace(settings.KeysPath)
            ? Path.Combine(builder.Environment.ContentRootPath, "App_Data", "keys")
            : Path.GetFullPath(settings.KeysPath, builder.Environment.ContentRootPath);

        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        if (ResolveStore(builder.Configuration, settings) == KeyRingStore.Database)
        {
            dataProtection.PersistKeysToDbContext<AppDbContext>();
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysPath));
        }

        if (!string.IsNullOrWhiteSpace(settings.CertificatePath) && File.Exists(settings.CertificatePath))
        {
            var current = X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword);
            var previous = settings.PreviousCertificatePaths
                .Where(File.Exists)
                .Select(p => X509CertificateLoader.LoadPkcs12FromFile(p, settings.CertificatePassword))
                .ToArray();
            dataProtection.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([current, .. previous]);
        }

        return builder;
    }

    public static KeyRingStore ResolveStore(IConfiguration configuration, DataProtectionOptions settings)
    {
        if (settings.Store is { } store)
        {
            return store;
        }

        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        return database.Provider == DatabaseProvider.Postgres ? KeyRingStore.Database : KeyRingStore.Folder;
    }
}

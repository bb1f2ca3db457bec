namespace ProcoreAdmin.Web.Features.Credentials;

public static class CredentialsFeature
{
    /// <summary>The credential registry: encryption, the contracts other features use, the pages' service, the re-protect job.</summary>
    public static WebApplicationBuilder AddCredentials(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ISecretProtector, SecretProtector>();
        services.AddSingleton<CredentialSecretStore>();
        services.AddSingleton<ICredentialSecretStore>(sp => sp.GetRequiredService<CredentialSecretStore>());
        services.AddSingleton<ICredentialVerifier, CredentialVerifier>();
        services.AddScoped<ICredentialDirectory, CredentialDirectory>();
        services.AddScoped<CredentialsService>();
        services.AddSingleton<VerifyThrottle>();
        services.AddTransient<ReprotectSecretsJob>();
        services.AddTransient<SecretBindingUpgrade>();
        services.AddHostedService<CredentialStartup>();
        return builder;
    }
}

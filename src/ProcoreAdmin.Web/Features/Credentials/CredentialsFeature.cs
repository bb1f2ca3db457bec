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
        services.AddScoped<ICredentialInstallations>(sp => sp.GetRequiredService<CredentialsService>());
        services.AddSingleton<VerifyThrottle>();
        services.AddCredentialJobs();
        services.AddTransient<SecretBindingUpgrade>();
        services.AddHostedService<CredentialStartup>();
        return builder;
    }

    /// <summary>The registry's scheduled jobs (key re-protect), registered once, here.</summary>
    public static IServiceCollection AddCredentialJobs(this IServiceCollection services) =>
        services.AddScheduledJob<ReprotectSecretsJob>(ReprotectSecretsJob.Kind, "Key re-protect",
            "40 3 * * 0", "Moves every stored secret to the current Data Protection key after a key roll-over.", async (job, ct) =>
            {
                var (moved, unreadable, keyId) = await job.ReprotectAsync(ct);
                return ReprotectSecretsJob.Summary(moved, unreadable, keyId);
            });
}

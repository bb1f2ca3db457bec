using Microsoft.Extensions.Options;
using ProcoreAdmin.Web.Hosting.Outbound;

namespace ProcoreAdmin.Web.Features.Notifications;

public static class NotificationsFeature
{
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(NotificationsOptions.SectionName);
        builder.Services.AddOptions<NotificationsOptions>()
            .Bind(section)
            .PostConfigure(o =>
            {
                // The embedded default shows what would be sent: in Development, with no e-mail settings, messages go
                // to App_Data/mail-pickup as .eml files.
                if (builder.Environment.IsDevelopment() && !section.GetSection("Email").Exists())
                {
                    o.Email.Enabled = true;
                    o.Email.Mode = EmailMode.Pickup;
                    o.Email.From = "procoreadmin@localhost.test";
                    if (o.DefaultRecipients.Count == 0)
                    {
                        o.DefaultRecipients.Add("admins@localhost.test");
                    }
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>();
        builder.Services.AddHttpClient(WebhookChannel.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .UseOutboundPolicy();

        // The webhook and SMTP hosts are set by the operator in configuration: they join the outbound allow-list (their
        // addresses are still checked at connect time).
        builder.Services.AddOptions<OutboundPolicyOptions>().PostConfigure<IOptions<NotificationsOptions>>((outbound, notifications) =>
        {
            var n = notifications.Value;
            if (n.Webhook.Enabled && Uri.TryCreate(n.Webhook.Url, UriKind.Absolute, out var hook) && hook.HostNameType == UriHostNameType.Dns)
            {
                outbound.AllowedHosts.Add(hook.IdnHost);
            }

            if (n.Email.Enabled && n.Email.Mode == EmailMode.Smtp && Uri.CheckHostName(n.Email.Host) == UriHostNameType.Dns)
            {
                outbound.AllowedHosts.Add(n.Email.Host!);
            }
        });
        builder.Services.AddSingleton<NotificationCenter>();
        builder.Services.AddSingleton<INotificationChannel, EmailChannel>();
        builder.Services.AddSingleton<INotificationChannel, WebhookChannel>();
        builder.Services.AddSingleton<INotificationPublisher>(sp => sp.GetRequiredService<NotificationCenter>());
        builder.Services.AddScoped<NotificationService>();
        builder.Services.AddScoped<INotificationInbox>(sp => sp.GetRequiredService<NotificationService>());
        builder.Services.AddScheduledJob<DeliverNotificationsJob>(MaintenanceJobKinds.DeliverNotifications, "Notification delivery (retries)",
            "*/5 * * * *", "Sends pending e-mail and webhook deliveries; failed ones are retried with back-off.", (job, ct) => job.RunAsync(ct));
        return builder;
    }
}

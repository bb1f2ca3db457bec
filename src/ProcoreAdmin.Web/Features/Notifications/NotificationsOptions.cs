using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Features.Notifications;

public enum EmailMode
{
    /// <summary>Send over SMTP (MailKit).</summary>
    Smtp,

    /// <summary>Write each message as an .eml file to a folder (the development inbox).</summary>
    Pickup,
}

public enum SmtpSecurity
{
    StartTls,
    SslOnConnect,
    None,
}

public sealed class EmailOptions
{
    public bool Enabled { get; set; }
    public EmailMode Mode { get; set; } = EmailMode.Smtp;
    public string? Host { get; set; }

    [Range(1, 65535, ErrorMessage = "Notifications:Email:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public string? UserName { get; set; }

    /// <summary>From the environment or user secrets, never a committed file.</summary>
    public string? Password { get; set; }

    public string? From { get; set; }

    /// <summary>Pickup mode: where .eml files are written (relative paths are under the content root).</summary>
    public string PickupFolder { get; set; } = "App_Data/mail-pickup";
}

public enum WebhookFormat
{
    Slack,
    Teams,
}

public sealed class WebhookOptions
{
    public bool Enabled { get; set; }
    public string? Url { get; set; }

    /// <summary>HMAC-SHA256 key for <c>X-ProcoreAdmin-Signature</c> (environment or user secrets).</summary>
    public string? SigningSecret { get; set; }

    public WebhookFormat Format { get; set; } = WebhookFormat.Slack;
}

/// <summary>Section <c>Notifications</c>.</summary>
public sealed class NotificationsOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Always-informed e-mail recipients (besides the credential owners).</summary>
    public List<string> DefaultRecipients { get; set; } = [];

    [Range(1, 50, ErrorMessage = "Notifications:MaxDeliveryAttempts must be between 1 and 50.")]
    public int MaxDeliveryAttempts { get; set; } = 6;

    /// <summary>
    /// How long an instance holds a claimed delivery. If it dies before marking the row sent, another instance sends it
    /// when the lease ends (at-least-once; receivers de-duplicate by the delivery id).
    /// </summary>
    public TimeSpan DeliveryLease { get; set; } = DeliverNotificationsJob.Lease;

    /// <summary>The public address of this app, for links in messages (optional).</summary>
    public string? AppBaseUrl { get; set; }

    public EmailOptions Email { get; set; } = new();
    public WebhookOptions Webhook { get; set; } = new();
}

public sealed class NotificationsOptionsValidator : IValidateOptions<NotificationsOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationsOptions o)
    {
        var errors = new List<string>();
        if (o.Email.Enabled)
        {
            if (o.Email.Mode == EmailMode.Smtp && string.IsNullOrWhiteSpace(o.Email.Host))
            {
                errors.Add("Notifications:Email:Host is required when e-mail is enabled in Smtp mode (e.g. 'smtp.example.com').");
            }

            if (string.IsNullOrWhiteSpace(o.Email.From) || !o.Email.From.Contains('@', StringComparison.Ordinal))
            {
                errors.Add("Notifications:Email:From must be an e-mail address when e-mail is enabled (e.g. 'procoreadmin@example.com').");
            }

            if (o.Email.Mode == EmailMode.Pickup && string.IsNullOrWhiteSpace(o.Email.PickupFolder))
            {
                errors.Add("Notifications:Email:PickupFolder is required in Pickup mode.");
            }

            if (!string.IsNullOrEmpty(o.Email.UserName) && string.IsNullOrEmpty(o.Email.Password))
            {
                errors.Add("Notifications:Email:Password is required when Notifications:Email:UserName is set (use an environment variable or user secret).");
            }
        }

        if (o.Webhook.Enabled)
        {
            if (!Uri.TryCreate(o.Webhook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add("Notifications:Webhook:Url must be an absolute https URL (Slack or Teams incoming webhook) when the webhook is enabled.");
            }

            if (string.IsNullOrEmpty(o.Webhook.SigningSecret) || o.Webhook.SigningSecret.Length < 16)
            {
                errors.Add("Notifications:Webhook:SigningSecret must be at least 16 characters when the webhook is enabled (environment or user secrets).");
            }
        }

        if (o.DefaultRecipients.Any(r => !r.Contains('@', StringComparison.Ordinal)))
        {
            errors.Add("Notifications:DefaultRecipients must contain e-mail addresses only.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

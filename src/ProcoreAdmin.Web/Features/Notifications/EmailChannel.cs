using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using ProcoreAdmin.Data.Notifications;
using ProcoreAdmin.Web.Hosting.Outbound;

namespace ProcoreAdmin.Web.Features.Notifications;

/// <summary>E-mail over SMTP (MailKit), or .eml files in a pickup folder (the development inbox).</summary>
public sealed class EmailChannel(IOptionsMonitor<NotificationsOptions> options, IHostEnvironment environment, OutboundPolicy? outbound = null) : INotificationChannel
{
    public DeliveryChannel Channel => DeliveryChannel.Email;

    public string PickupFolder => Path.IsPathRooted(options.CurrentValue.Email.PickupFolder)
        ? options.CurrentValue.Email.PickupFolder
        : Path.Combine(environment.ContentRootPath, options.CurrentValue.Email.PickupFolder);

    public static MimeMessage Compose(NotificationMessage message, string from)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(from));
        foreach (var to in message.Recipients)
        {
            if (MailboxAddress.TryParse(to, out var address))
            {
                mime.To.Add(address);
            }
        }

        // Stable id per delivery: a resend after a crash can be recognised as the same message.
        mime.MessageId = $"notification-{message.NotificationId}-{message.DeliveryId}@procoreadmin";
        mime.Subject = $"[ProcoreAdmin] {message.Title}";
        var text = message.Body + (message.Link is null ? "" : $"\n\n{message.Link}") + "\n\n— ProcoreAdmin (no secrets are ever sent by e-mail)";
        mime.Body = new TextPart("plain") { Text = text };
        return mime;
    }

    public async Task SendAsync(NotificationMessage message, CancellationToken ct)
    {
        var o = options.CurrentValue.Email;
        if (message.Recipients.Count == 0)
        {
            throw new NotificationDeliveryException("No e-mail recipients: set Notifications:DefaultRecipients or the credential owners.");
        }

        var mime = Compose(message, o.From!);
        if (o.Mode == EmailMode.Pickup)
        {
            Directory.CreateDirectory(PickupFolder);
            var file = Path.Combine(PickupFolder, $"notification-{message.NotificationId}-{message.DeliveryId}.eml");
            await mime.WriteToAsync(file, ct);
            return;
        }

        using var client = new SmtpClient();
        try
        {
            var security = o.Security switch
            {
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                SmtpSecurity.None => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTls,
            };
            // The outbound policy resolves and checks the SMTP host's addresses and opens the socket to them.
            if (outbound is null)
            {
                await client.ConnectAsync(o.Host!, o.Port, security, ct);
            }
            else
            {
                if (outbound.CheckHost(o.Host!) is { } refused)
                {
                    await outbound.RecordRefusalAsync(o.Host!, refused, ct);
                    throw new NotificationDeliveryException($"SMTP {o.Host}:{o.Port} refused by the outbound policy: {refused}");
                }

                var socket = await outbound.ConnectSocketAsync(o.Host!, o.Port, ct);
                await client.ConnectAsync(socket, o.Host!, o.Port, security, ct);
            }
            if (!string.IsNullOrEmpty(o.UserName))
            {
                await client.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
            }

            await client.SendAsync(mime, ct);
            await client.DisconnectAsync(true, ct);
        }
        catch (OutboundRefusedException ex)
        {
            throw new NotificationDeliveryException($"SMTP {o.Host}:{o.Port} refused by the outbound policy: {ex.Reason}", ex);
        }
        catch (Exception ex) when (ex is MailKit.ProtocolException or MailKit.Security.AuthenticationException or SmtpCommandException
                                       or System.Net.Sockets.SocketException or IOException or SslHandshakeException)
        {
            throw new NotificationDeliveryException($"SMTP {o.Host}:{o.Port} failed: {ex.GetType().Name}", ex);
        }
    }
}

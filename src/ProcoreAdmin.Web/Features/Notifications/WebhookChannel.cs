using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Data.Notifications;

namespace ProcoreAdmin.Web.Features.Notifications;

/// <summary>
/// Webhook signature: <c>X-ProcoreAdmin-Timestamp</c> (Unix seconds) and <c>X-ProcoreAdmin-Signature: v1=&lt;hex&gt;</c>
/// where hex = HMAC-SHA256(signing secret, "{timestamp}.{body}"). Receivers reject old timestamps (replay) and compare
/// in constant time; <see cref="Verify"/> is the reference implementation.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-ProcoreAdmin-Timestamp";
    public const string SignatureHeader = "X-ProcoreAdmin-Signature";
    public const string DeliveryHeader = "X-ProcoreAdmin-Delivery";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return "v1=" + Convert.ToHexStringLower(mac);
    }

    public static bool Verify(string secret, string? timestampHeader, string body, string? signatureHeader, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) || signatureHeader is null)
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age.Duration() > (tolerance ?? DefaultTolerance))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signatureHeader));
    }
}

/// <summary>Posts Slack- or Teams-compatible JSON (both read <c>text</c>), signed with HMAC + timestamp.</summary>
public sealed class WebhookChannel(IHttpClientFactory httpClients, IOptionsMonitor<NotificationsOptions> options, TimeProvider time) : INotificationChannel
{
    public const string HttpClientName = "notifications-webhook";

    public DeliveryChannel Channel => DeliveryChannel.Webhook;

    public static string BuildPayload(NotificationMessage m, WebhookFormat format)
    {
        var text = $"*{m.Title}*\n{m.Body}" + (m.Link is null ? "" : $"\n{m.Link}");
        var meta = new JsonObject
        {
            ["notificationId"] = m.NotificationId,
            ["deliveryId"] = m.DeliveryId,
            ["kind"] = m.Kind,
            ["severity"] = m.Severity.ToString(),
            ["credentialId"] = m.CredentialId,
            ["createdUtc"] = m.CreatedUtc.ToString("O", CultureInfo.InvariantCulture),
        };
        JsonObject payload = format == WebhookFormat.Teams
            ? new JsonObject
            {
                ["@type"] = "MessageCard",
                ["@context"] = "https://schema.org/extensions",
                ["summary"] = m.Title,
                ["themeColor"] = m.Severity switch { NotificationSeverity.Error => "D13438", NotificationSeverity.Warning => "FFB900", _ => "0078D7" },
                ["title"] = m.Title,
                ["text"] = m.Body + (m.Link is null ? "" : $"\n\n{m.Link}"),
                ["procoreadmin"] = meta,
            }
            : new JsonObject { ["text"] = text, ["procoreadmin"] = meta };
        return payload.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    public async Task SendAsync(NotificationMessage message, CancellationToken ct)
    {
        var o = options.CurrentValue.Webhook;
        var body = BuildPayload(message, o.Format);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(o.SigningSecret!, timestamp, body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, message.DeliveryId.ToString(CultureInfo.InvariantCulture));
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
        }
        catch (Hosting.Outbound.OutboundRefusedException ex)
        {
            throw new NotificationDeliveryException($"Webhook refused by the outbound policy: {ex.Reason}", ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is Hosting.Outbound.OutboundRefusedException refused)
        {
            throw new NotificationDeliveryException($"Webhook refused by the outbound policy: {refused.Reason}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new NotificationDeliveryException($"Webhook unreachable: {ex.HttpRequestError}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new NotificationDeliveryException("Webhook timed out.", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new NotificationDeliveryException($"Webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
        }
    }
}

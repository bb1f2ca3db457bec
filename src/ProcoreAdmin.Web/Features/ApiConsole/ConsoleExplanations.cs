using System.Text.Json;
using System.Text.RegularExpressions;
using ProcoreAdmin.ProcoreClient;

namespace ProcoreAdmin.Web.Features.ApiConsole;

/// <summary>Reads what Procore answered to a console call and says in plain words what a known error means.</summary>
public static partial class ConsoleExplanations
{
    /// <summary>The error kind of a raw answer, or null when it is a readable success.</summary>
    public static ProcoreErrorKind? Classify(int statusCode, string body, string? wwwAuthenticate = null)
    {
        var message = Message(body) ?? "";
        if (message.Contains("Missing Procore-Company-Id", StringComparison.OrdinalIgnoreCase))
        {
            return ProcoreErrorKind.MissingCompanyHeader;
        }

        if (message.Contains("App is not connected", StringComparison.OrdinalIgnoreCase))
        {
            return ProcoreErrorKind.AppNotConnected;
        }

        if (message.Contains("invalid_client", StringComparison.OrdinalIgnoreCase) || body.Contains("\"invalid_client\"", StringComparison.Ordinal))
        {
            return ProcoreErrorKind.InvalidClient;
        }

        return statusCode switch
        {
            >= 200 and < 300 => IsJson(body) ? null : ProcoreErrorKind.MalformedResponse,
            401 when (wwwAuthenticate ?? "").Contains("expired", StringComparison.OrdinalIgnoreCase) => ProcoreErrorKind.TokenExpired,
            401 => ProcoreErrorKind.InvalidToken,
            403 => ProcoreErrorKind.Forbidden,
            404 => ProcoreErrorKind.NotFound,
            409 => ProcoreErrorKind.Conflict,
            422 => ProcoreErrorKind.ValidationFailed,
            429 => ProcoreErrorKind.RateLimited,
            >= 300 and < 400 => ProcoreErrorKind.UnexpectedRedirect,
            >= 400 and < 500 => ProcoreErrorKind.BadRequest,
            >= 500 => ProcoreErrorKind.ServerError,
            _ => ProcoreErrorKind.Unknown,
        };
    }

    public static string Explain(ProcoreErrorKind kind) => ProcoreErrorExplainer.Explain(kind);

    /// <summary>Procore's own message from a JSON (<c>errors</c>, <c>message</c>, <c>error</c>, <c>error_description</c>), plain-text or HTML body.</summary>
    public static string? Message(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                return root.GetString();
            }

            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "errors", "message", "error_description", "error" })
                {
                    if (root.TryGetProperty(name, out var value) && Text(value) is { Length: > 0 } text)
                    {
                        return text;
                    }
                }
            }

            return null;
        }
        catch (JsonException)
        {
            var text = Tags().Replace(body, " ");
            text = Spaces().Replace(text, " ").Trim();
            return text.Length > 300 ? text[..300] + "…" : text;
        }
    }

    /// <summary>The body indented when it is JSON, otherwise as received.</summary>
    public static string Pretty(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return JsonSerializer.Serialize(doc.RootElement, PrettyOptions);
        }
        catch (JsonException)
        {
            return body;
        }
    }

    public static bool IsJson(string body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Relaxed escaping: non-ASCII text stays text ("Entreprenør", not \u00F8). The Body view renders it as HTML-encoded
    // text, so nothing here reaches a browser unescaped.
    private static readonly JsonSerializerOptions PrettyOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => string.Join("; ", value.EnumerateArray().Select(Text).Where(t => !string.IsNullOrEmpty(t))),
        JsonValueKind.Object => value.EnumerateObject().Select(p => Text(p.Value)).FirstOrDefault(t => !string.IsNullOrEmpty(t)),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant, 200)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, 200)]
    private static partial Regex Spaces();
}

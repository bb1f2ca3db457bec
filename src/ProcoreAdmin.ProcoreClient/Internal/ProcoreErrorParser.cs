using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ProcoreAdmin.ProcoreClient.Internal;

/// <summary>Lenient parsing of Procore and Doorkeeper error bodies, and mapping to <see cref="ProcoreErrorKind"/>.</summary>
internal static partial class ProcoreErrorParser
{
    private const int MaxMessageLength = 500;

    internal readonly record struct ParsedError(string? Message, string? ErrorCode);

    public static ParsedError Parse(string? body, string? mediaType, string? wwwAuthenticate)
    {
        var parsed = ParseBody(body?.Trim(), mediaType);
        if ((parsed.Message is null || parsed.ErrorCode is null) && !string.IsNullOrEmpty(wwwAuthenticate))
        {
            var fromHeader = ParseWwwAuthenticate(wwwAuthenticate);
            parsed = new ParsedError(parsed.Message ?? fromHeader.Message, parsed.ErrorCode ?? fromHeader.ErrorCode);
        }

        return parsed.Message is null ? parsed : parsed with { Message = Truncate(parsed.Message) };
    }

    public static ProcoreErrorKind Classify(int status, string? message, string? errorCode, bool tokenEndpoint)
    {
        var text = message ?? string.Empty;
        if (text.Contains("Procore-Company-Id", StringComparison.OrdinalIgnoreCase)
            && text.Contains("missing", StringComparison.OrdinalIgnoreCase))
        {
            return ProcoreErrorKind.MissingCompanyHeader;
        }

        if (text.Contains("not connected to this company", StringComparison.OrdinalIgnoreCase))
        {
            return ProcoreErrorKind.AppNotConnected;
        }

        if (tokenEndpoint && status is 400 or 401)
        {
            if (string.Equals(errorCode, "invalid_client", StringComparison.OrdinalIgnoreCase)
                || string.Equals(errorCode, "unauthorized_client", StringComparison.OrdinalIgnoreCase))
            {
                return ProcoreErrorKind.InvalidClient;
            }

            // Older Doorkeeper versions answer 401 to every token error; without a code, 401 means "bad client".
            return errorCode is null && status == 401 ? ProcoreErrorKind.InvalidClient : ProcoreErrorKind.TokenRequestRejected;
        }

        return status switch
        {
            >= 300 and < 400 => ProcoreErrorKind.UnexpectedRedirect,
            400 => ProcoreErrorKind.BadRequest,
            401 => text.Contains("expired", StringComparison.OrdinalIgnoreCase) ? ProcoreErrorKind.TokenExpired : ProcoreErrorKind.InvalidToken,
            403 => ProcoreErrorKind.Forbidden,
            404 => ProcoreErrorKind.NotFound,
            408 => ProcoreErrorKind.Timeout,
            409 => ProcoreErrorKind.Conflict,
            422 => ProcoreErrorKind.ValidationFailed,
            429 => ProcoreErrorKind.RateLimited,
            >= 500 => ProcoreErrorKind.ServerError,
            _ => ProcoreErrorKind.Unknown,
        };
    }

    private static ParsedError ParseBody(string? body, string? mediaType)
    {
        if (string.IsNullOrEmpty(body))
        {
            return default;
        }

        var looksJson = body[0] is '{' or '[' or '"';
        if (looksJson)
        {
            try
            {
                using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
                var fromJson = FromJson(doc.RootElement);
                if (fromJson.Message is not null || fromJson.ErrorCode is not null)
                {
                    return fromJson;
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to text handling.
            }
        }

        var isHtml = (mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? false)
                     || body.StartsWith('<');
        return new ParsedError(isHtml ? FromHtml(body) : CollapseWhitespace(body), null);
    }

    private static ParsedError FromJson(JsonElement root)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.String:
                return new ParsedError(root.GetString(), null);
            case JsonValueKind.Array:
                return new ParsedError(JoinValues(root), null);
            case JsonValueKind.Object:
                break;
            default:
                return default;
        }

        string? code = null;
        string? message = null;

        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                code = error.GetString();
            }
            else if (error.ValueKind == JsonValueKind.Object)
            {
                // REST v2 envelope {"error":{code,message,details[]}} or {"error":{"error":"..."}}.
                message = StringProp(error, "message") ?? StringProp(error, "error");
                code = StringProp(error, "code");
                if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                {
                    var detailText = string.Join("; ", details.EnumerateArray()
                        .Select(d => d.ValueKind == JsonValueKind.Object ? StringProp(d, "message") : ValueText(d))
                        .Where(s => !string.IsNullOrWhiteSpace(s)));
                    if (detailText.Length > 0)
                    {
                        message = message is null ? detailText : $"{message}: {detailText}";
                    }
                }
            }
        }

        message ??= StringProp(root, "error_description");
        if (message is null && root.TryGetProperty("errors", out var errors))
        {
            message = JoinValues(errors);
        }

        message ??= StringProp(root, "message");
        if (message is null && root.TryGetProperty("base", out var baseErrors))
        {
            message = JoinValues(baseErrors);
        }

        message ??= code;
        return new ParsedError(string.IsNullOrWhiteSpace(message) ? null : message, code);
    }

    private static string? StringProp(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? JoinValues(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Array:
                var items = element.EnumerateArray().Select(JoinValues).Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
                return items.Count == 0 ? null : string.Join("; ", items);
            case JsonValueKind.Object:
                var parts = new List<string>();
                foreach (var property in element.EnumerateObject())
                {
                    var text = JoinValues(property.Value);
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        parts.Add(property.Name is "message" or "error" ? text : $"{property.Name}: {text}");
                    }
                }

                return parts.Count == 0 ? null : string.Join("; ", parts);
            default:
                return ValueText(element);
        }
    }

    private static string? ValueText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => null,
    };

    private static string? FromHtml(string html)
    {
        var title = TitleRegex().Match(html);
        var text = title.Success ? title.Groups[1].Value : TagRegex().Replace(ScriptRegex().Replace(html, " "), " ");
        text = CollapseWhitespace(WebUtility.HtmlDecode(text));
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static ParsedError ParseWwwAuthenticate(string header)
    {
        string? code = null;
        string? description = null;
        foreach (Match match in AuthParamRegex().Matches(header))
        {
            var name = match.Groups[1].Value;
            if (name.Equals("error", StringComparison.OrdinalIgnoreCase))
            {
                code = match.Groups[2].Value;
            }
            else if (name.Equals("error_description", StringComparison.OrdinalIgnoreCase))
            {
                description = match.Groups[2].Value;
            }
        }

        return new ParsedError(description ?? code, code);
    }

    private static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxMessageLength + 1));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (!lastWasSpace && sb.Length > 0)
                {
                    sb.Append(' ');
                }

                lastWasSpace = true;
            }
            else
            {
                sb.Append(c);
                lastWasSpace = false;
            }

            if (sb.Length > MaxMessageLength)
            {
                break;
            }
        }

        return sb.ToString().Trim();
    }

    private static string Truncate(string text) =>
        text.Length <= MaxMessageLength ? text : string.Concat(text.AsSpan(0, MaxMessageLength), "…");

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline, 200)]
    private static partial Regex TitleRegex();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.Singleline, 200)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"<(script|style)[^>]*>.*?</\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline, 200)]
    private static partial Regex ScriptRegex();

    [GeneratedRegex(@"([A-Za-z_]+)=""([^""]*)""", RegexOptions.None, 200)]
    private static partial Regex AuthParamRegex();
}

using System.Text;
using System.Text.RegularExpressions;

namespace ProcoreAdmin.ProcoreClient.Internal;

/// <summary>A request target relative to a base URL: an allow-listed path plus a normalized query.</summary>
internal sealed record RelativeTarget(string Path, IReadOnlyList<KeyValuePair<string, string>> Query)
{
    public string PathAndQuery => Query.Count == 0 ? Path : $"{Path}?{RequestGuard.EncodeQuery(Query)}";
}

/// <summary>
/// Builds request URLs only from relative, allow-listed paths and checks that every URL stays on its base URL's scheme,
/// host, port and path prefix. Everything here runs before a request object exists, so a refusal opens no socket.
/// </summary>
internal static partial class RequestGuard
{
    private const int MaxRawLength = 2048;

    /// <summary>Parses an API-console path. Refuses anything that is not one of the allow-listed GET paths.</summary>
    public static RelativeTarget ParseConsolePath(string? pathAndQuery)
    {
        if (string.IsNullOrWhiteSpace(pathAndQuery))
        {
            throw Refused("A path is required.");
        }

        if (pathAndQuery.Length > MaxRawLength)
        {
            throw Refused("The path is too long.");
        }

        foreach (var c in pathAndQuery)
        {
            if (c is <= ' ' or > '~')
            {
                throw Refused("The path contains spaces, control characters or non-ASCII characters.");
            }
        }

        if (pathAndQuery.Contains('#', StringComparison.Ordinal) || pathAndQuery.Contains('\\', StringComparison.Ordinal))
        {
            throw Refused("Fragments and backslashes are not allowed.");
        }

        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? pathAndQuery : pathAndQuery[..question];
        var queryText = question < 0 ? string.Empty : pathAndQuery[(question + 1)..];

        // Only a relative path is accepted: "/rest/v1.0/me" or "rest/v1.0/me". The allow-list regex admits nothing
        // but lowercase letters, digits, dots and slashes in known shapes, so absolute URLs, "//host", "user@host",
        // other schemes, "..", and percent-encoded tricks all fail here.
        var relative = path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) ? path[1..] : path;
        if (!ConsolePathAllowList().IsMatch(relative))
        {
            throw Refused(
                "Only these GET paths may be called: /rest/v1.0/me, /rest/v1.0/companies, /rest/v1.{0,1}/projects, " +
                "/rest/v1.{0,1}/projects/{id}, /rest/v1.{0-3}/companies/{id}/users, /rest/v1.0/offices.");
        }

        return new RelativeTarget(relative, ParseQuery(queryText));
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string queryText)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (queryText.Length == 0)
        {
            return result;
        }

        foreach (var part in queryText.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var rawKey = eq < 0 ? part : part[..eq];
            var rawValue = eq < 0 ? string.Empty : part[(eq + 1)..];
            string key;
            string value;
            try
            {
                key = Uri.UnescapeDataString(rawKey.Replace('+', ' '));
                value = Uri.UnescapeDataString(rawValue.Replace('+', ' '));
            }
            catch (UriFormatException)
            {
                throw Refused("The query string is not valid.");
            }

            if (!QueryKey().IsMatch(key))
            {
                throw Refused($"Query parameter names may only contain letters, digits, '_' and brackets.");
            }

            if (value.Any(char.IsControl))
            {
                throw Refused("Query values must not contain control characters.");
            }

            result.Add(new KeyValuePair<string, string>(key, value));
        }

        return result;
    }

    /// <summary>Combines a base URL (ending with '/') and a relative target, then checks the result stays on the base.</summary>
    public static Uri Combine(Uri baseUri, RelativeTarget target)
    {
        if (target.Path.Contains(':', StringComparison.Ordinal) || target.Path.StartsWith('/') || target.Path.Contains('@', StringComparison.Ordinal))
        {
            throw Refused("Request paths must be relative.");
        }

        var uri = new Uri(baseUri.AbsoluteUri + target.PathAndQuery, UriKind.Absolute);
        EnsureWithin(baseUri, uri);
        return uri;
    }

    /// <summary>Throws unless <paramref name="target"/> has the base URL's scheme, host and port, no user info, and
    /// a path under the base path.</summary>
    public static void EnsureWithin(Uri baseUri, Uri target)
    {
        if (!target.IsAbsoluteUri
            || !string.Equals(target.Scheme, baseUri.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(target.IdnHost, baseUri.IdnHost, StringComparison.OrdinalIgnoreCase)
            || target.Port != baseUri.Port
            || !string.IsNullOrEmpty(target.UserInfo)
            || !target.AbsolutePath.StartsWith(baseUri.AbsolutePath, StringComparison.Ordinal))
        {
            throw Refused("The request would leave the credential's environment.");
        }
    }

    public static string EncodeQuery(IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in query)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }

    private static ProcoreApiException Refused(string why) =>
        new(ProcoreErrorKind.RequestNotAllowed, "Request refused before sending: " + why);

    [GeneratedRegex(
        @"^rest/v1\.0/me$|^rest/v1\.0/companies$|^rest/v1\.[01]/projects$|^rest/v1\.[01]/projects/[0-9]{1,19}$|^rest/v1\.[0-3]/companies/[0-9]{1,19}/users$|^rest/v1\.0/offices$",
        RegexOptions.CultureInvariant, 200)]
    private static partial Regex ConsolePathAllowList();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}(\[[A-Za-z0-9_]{0,64}\]){0,2}$", RegexOptions.CultureInvariant, 200)]
    private static partial Regex QueryKey();
}

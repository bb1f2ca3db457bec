using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ProcoreAdmin.ProcoreClient.Internal;

/// <summary>
/// Reads Procore's paging headers: <c>Total</c>, <c>Per-Page</c> and <c>Link</c>
/// (<c>&lt;url&gt;; rel="next", &lt;url&gt;; rel="last"</c>). Only page numbers are taken from Link URLs; the client
/// never requests a URL it did not build itself.
/// </summary>
internal static partial class PagingHeaders
{
    internal readonly record struct LinkInfo(bool Present, bool HasNext, int? NextPage, int? LastPage);

    public static long? ReadLong(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault()?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
        && value >= 0
            ? value
            : null;

    public static LinkInfo ReadLink(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("Link", out var values))
        {
            return default;
        }

        var hasNext = false;
        int? next = null;
        int? last = null;
        foreach (Match match in LinkEntry().Matches(string.Join(", ", values)))
        {
            var url = match.Groups["url"].Value;
            var rels = match.Groups["rel"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var rel in rels)
            {
                if (rel.Equals("next", StringComparison.OrdinalIgnoreCase))
                {
                    hasNext = true;
                    next = PageOf(url);
                }
                else if (rel.Equals("last", StringComparison.OrdinalIgnoreCase))
                {
                    last = PageOf(url);
                }
            }
        }

        return new LinkInfo(true, hasNext, next, last);
    }

    private static int? PageOf(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return null;
        }

        foreach (var pair in url[(q + 1)..].Split('&'))
        {
            if (pair.StartsWith("page=", StringComparison.Ordinal)
                && int.TryParse(pair.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var page)
                && page > 0)
            {
                return page;
            }
        }

        return null;
    }

    [GeneratedRegex(@"<(?<url>[^>]*)>(?:[^,<]*?;\s*rel\s*=\s*""?(?<rel>[^"";,]*)""?)?", RegexOptions.CultureInvariant, 200)]
    private static partial Regex LinkEntry();
}

using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ProcoreAdmin.ProcoreSimulator.Http;

internal readonly record struct PageSpec(int Page, int PerPage)
{
    public long Skip => (long)(Page - 1) * PerPage;

    /// <summary>Reads <c>page</c> (default 1) and <c>per_page</c> (default <paramref name="defaultPerPage"/>, capped at <paramref name="maxPerPage"/>).</summary>
    public static PageSpec Read(IQueryCollection query, int defaultPerPage, int maxPerPage)
    {
        var page = int.TryParse(query["page"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        var perPage = int.TryParse(query["per_page"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pp) && pp > 0
            ? Math.Min(pp, maxPerPage)
            : defaultPerPage;
        return new PageSpec(page, perPage);
    }
}

/// <summary>
/// Procore paging headers: <c>Total</c>, <c>Per-Page</c> and <c>Link</c> with absolute URLs that keep the original
/// query (only <c>page</c> and <c>per_page</c> change). Page 1 has no first/prev; the last page has no next/last;
/// a page past the end keeps first and prev (prev points at the last page).
/// </summary>
internal static class Paging
{
    public static void WriteHeaders(HttpContext context, long total, PageSpec spec)
    {
        var headers = context.Response.Headers;
        headers["Total"] = total.ToString(CultureInfo.InvariantCulture);
        headers["Per-Page"] = spec.PerPage.ToString(CultureInfo.InvariantCulture);
        var lastPage = (int)Math.Max(1, (total + spec.PerPage - 1) / spec.PerPage);
        var links = new List<string>(4);
        var request = context.Request;
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        var rawQuery = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        if (spec.Page > 1)
        {
            links.Add(Link(baseUrl, rawQuery, 1, spec.PerPage, "first"));
            links.Add(Link(baseUrl, rawQuery, Math.Min(spec.Page - 1, lastPage), spec.PerPage, "prev"));
        }

        if (spec.Page < lastPage)
        {
            links.Add(Link(baseUrl, rawQuery, spec.Page + 1, spec.PerPage, "next"));
            links.Add(Link(baseUrl, rawQuery, lastPage, spec.PerPage, "last"));
        }

        if (links.Count > 0)
        {
            headers["Link"] = string.Join(", ", links);
        }
    }

    private static string Link(string baseUrl, string rawQuery, int page, int perPage, string rel) =>
        $"<{BuildUrl(baseUrl, rawQuery, page, perPage)}>; rel=\"{rel}\"";

    internal static string BuildUrl(string baseUrl, string rawQuery, int page, int perPage)
    {
        var builder = new StringBuilder(baseUrl.Length + rawQuery.Length + 32).Append(baseUrl).Append('?');
        bool sawPage = false, sawPerPage = false, first = true;
        foreach (var segment in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = segment.IndexOf('=');
            var key = Uri.UnescapeDataString((eq < 0 ? segment : segment[..eq]).Replace('+', ' '));
            string part;
            if (key == "page")
            {
                if (sawPage)
                {
                    continue;
                }

                sawPage = true;
                part = "page=" + page.ToString(CultureInfo.InvariantCulture);
            }
            else if (key == "per_page")
            {
                if (sawPerPage)
                {
                    continue;
                }

                sawPerPage = true;
                part = "per_page=" + perPage.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                part = segment;
            }

            builder.Append(first ? "" : "&").Append(part);
            first = false;
        }

        if (!sawPage)
        {
            builder.Append(first ? "" : "&").Append("page=").Append(page.ToString(CultureInfo.InvariantCulture));
            first = false;
        }

        if (!sawPerPage)
        {
            builder.Append(first ? "" : "&").Append("per_page=").Append(perPage.ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}

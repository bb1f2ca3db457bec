namespace ProcoreAdmin.Web.Shared;

/// <summary>One CSV cell, safe to open in a spreadsheet. Every export (audit, projects, rotation evidence) uses it.</summary>
public static class CsvCell
{
    /// <summary>
    /// A leading <c>= + - @</c> (or tab/CR) would make a spreadsheet evaluate the cell, so it gets a leading apostrophe;
    /// then the value is quoted when it holds a comma, quote or line break.
    /// </summary>
    public static string Format(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    /// <summary>
    /// A whole CSV file as UTF-8 bytes with the byte-order mark, so spreadsheet programs read non-ASCII names correctly
    /// (every CSV the app exports starts this way).
    /// </summary>
    public static byte[] Utf8WithBom(string csv)
    {
        var encoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        return [.. encoding.GetPreamble(), .. encoding.GetBytes(csv)];
    }
}

using System.Globalization;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Features.Credentials;

namespace ProcoreAdmin.Web.Shared;

/// <summary>The outcome of a form submission: field errors (keyed by input property name), a conflict, or success.</summary>
public sealed class FormResult
{
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Message { get; private init; }

    public bool IsConflict { get; private init; }

    public long? Id { get; private init; }

    public bool Succeeded => Errors.Count == 0 && !IsConflict && Message is null;

    public static FormResult Success(long? id = null) => new() { Id = id };

    public static FormResult Conflict(string what) => new()
    {
        IsConflict = true,
        Message = $"Someone else changed this {what} after you opened it. Your input is still in the form; reload to see their changes, then apply yours again.",
    };

    public static FormResult Failure(string message) => new() { Message = message };

    /// <summary>Procore rejected the secret in the test before save; nothing was saved. The form offers "save anyway".</summary>
    public SecretTestResult? FailedSecretTest { get; private init; }

    public static FormResult SecretTestFailed(SecretTestResult test) => new()
    {
        FailedSecretTest = test,
        Message = $"Procore did not accept this client id and secret, so nothing was saved. {test.Message}",
    };

    public string? this[string field] => Errors.GetValueOrDefault(field);
}

/// <summary>Server-side input rules shared by the registry's forms. Messages never echo a secret.</summary>
public static class InputRules
{
    /// <summary>Procore ids are positive and fit in a JSON number without loss (2^53 − 1).</summary>
    public const long MaxProcoreId = 9_007_199_254_740_991;

    public static string? Text(Dictionary<string, string> errors, string field, string label, string? value, int max, bool required, bool multiline = false)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            if (required)
            {
                errors[field] = $"{label} is required.";
            }

            return null;
        }

        if (trimmed.Length > max)
        {
            errors[field] = $"{label} must be at most {max} characters (it has {trimmed.Length}).";
        }
        else if (trimmed.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            errors[field] = $"{label} contains control characters; remove them.";
        }
        else if (HasFormatCharacters(trimmed))
        {
            errors[field] = $"{label} contains invisible formatting characters (such as right-to-left overrides); type it again without them.";
        }

        return trimmed;
    }

    /// <summary>
    /// True when <paramref name="value"/> holds Unicode format characters (category Cf: bidirectional overrides such as
    /// U+202E, zero-width characters, soft hyphens…), which make a name display differently from what it is.
    /// </summary>
    public static bool HasFormatCharacters(string? value) =>
        value is not null && value.Any(c => char.GetUnicodeCategory(c) == UnicodeCategory.Format);

    public static long ProcoreId(Dictionary<string, string> errors, string field, string label, string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors[field] = $"{label} is required.";
            return 0;
        }

        if (!trimmed.All(char.IsAsciiDigit) && !(trimmed.StartsWith('-') && trimmed[1..].All(char.IsAsciiDigit) && trimmed.Length > 1))
        {
            errors[field] = $"{label} must be a whole number (digits only).";
            return 0;
        }

        if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) || id > MaxProcoreId)
        {
            errors[field] = $"{label} is out of range (at most {MaxProcoreId}).";
            return 0;
        }

        if (id <= 0)
        {
            errors[field] = $"{label} must be a positive number.";
            return 0;
        }

        return id;
    }

    public static ProcoreEnvironment? Environment(Dictionary<string, string> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = "Environment is required.";
            return null;
        }

        if (!value.All(char.IsAsciiLetter) || !Enum.TryParse<ProcoreEnvironment>(value, ignoreCase: false, out var env) || !Enum.IsDefined(env))
        {
            errors[field] = $"Unknown environment. Choose one of: {string.Join(", ", Enum.GetNames<ProcoreEnvironment>())}.";
            return null;
        }

        return env;
    }

    private static readonly char[] OwnerSeparators = [',', ';', ' ', '\n', '\r', '\t'];

    /// <summary>
    /// Owners are people: e-mail addresses (as the identity provider's <c>email</c> claim gives them), separated by commas.
    /// Returns them normalised ("a@x.com, b@y.org", duplicates removed) or null when empty; a field error names what is not an address.
    /// </summary>
    public static string? Owners(Dictionary<string, string> errors, string field, string? value, int max)
    {
        var parts = (value ?? "").Split(OwnerSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        if (HasFormatCharacters(value))
        {
            // An address is accepted by the mail parser with a bidi override or zero-width character inside it, and then
            // displays as someone else's; refused like in every other text field.
            errors[field] = "Owners contains invisible formatting characters (such as right-to-left overrides); type the addresses again without them.";
            return null;
        }

        var bad = parts.Where(p => !IsEmailAddress(p)).ToList();
        if (bad.Count > 0)
        {
            errors[field] = $"Owners are people: enter e-mail addresses separated by commas. Not an e-mail address: {string.Join(", ", bad.Take(3))}.";
            return null;
        }

        var joined = string.Join(", ", parts.Distinct(StringComparer.OrdinalIgnoreCase));
        if (joined.Length > max)
        {
            errors[field] = $"Owners must be at most {max} characters; keep the people who act on rotations.";
            return null;
        }

        return joined;
    }

    /// <summary>The valid e-mail addresses in a stored owners value (anything else is ignored).</summary>
    public static IReadOnlyList<string> OwnerAddresses(string? owners) =>
        (owners ?? "").Split(OwnerSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(IsEmailAddress).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>A single plain address (<c>name@host.domain</c>), no display name, no control or invisible formatting characters.</summary>
    public static bool IsEmailAddress(string value) =>
        value.Length <= 254 && !value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or '"') && !HasFormatCharacters(value)
        && System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Contains('.', StringComparison.Ordinal);

    /// <summary>The longest client secret accepted anywhere (register, replace, rotation): one limit for every form and the store.</summary>
    public const int MaxSecretLength = 500;

    /// <summary>A secret: required, at most <see cref="MaxSecretLength"/> characters, no control characters or surrounding spaces. Never echoed.</summary>
    public static string? Secret(Dictionary<string, string> errors, string field, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors[field] = "Client secret is required.";
            }

            return null;
        }

        if (value.Length > MaxSecretLength)
        {
            errors[field] = $"Client secret must be at most {MaxSecretLength} characters.";
        }
        else if (value.Any(char.IsControl) || HasFormatCharacters(value))
        {
            errors[field] = "Client secret contains control characters or invisible formatting characters (for example a line break); paste it again without them.";
        }
        else if (value.Trim().Length != value.Length)
        {
            errors[field] = "Client secret starts or ends with spaces; paste it again without them.";
        }

        return value;
    }

    public static Uri? BaseUrl(Dictionary<string, string> errors, string field, string label, string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors[field] = $"{label} is required for the Custom environment.";
            return null;
        }

        if (trimmed.Length > 500 || trimmed.Any(char.IsControl) || HasFormatCharacters(trimmed))
        {
            errors[field] = $"{label} must be a URL of at most 500 characters.";
            return null;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            errors[field] = $"{label} must be an absolute http or https URL without user info, query or fragment.";
            return null;
        }

        var text = uri.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }
}

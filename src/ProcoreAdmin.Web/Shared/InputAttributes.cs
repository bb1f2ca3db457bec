using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace ProcoreAdmin.Web.Shared;

/// <summary>
/// The input rules as DataAnnotations: each attribute runs the matching <see cref="InputRules"/> check, so a form model, the
/// engine's step input and the services all give the same verdict with the same per-field message (never a secret).
/// </summary>
public abstract class InputRuleAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        var field = validationContext.MemberName ?? validationContext.DisplayName;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Check(errors, field, value as string);
        return errors.TryGetValue(field, out var message) ? new ValidationResult(message, [field]) : ValidationResult.Success;
    }

    /// <summary>Runs the rule, adding at most one message under <paramref name="field"/>.</summary>
    protected abstract void Check(Dictionary<string, string> errors, string field, string? value);
}

/// <summary>A client secret: at most <see cref="InputRules.MaxSecretLength"/> characters, no control, format or surrounding white space.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ClientSecretAttribute : InputRuleAttribute
{
    /// <summary>When false (editing a credential), an empty value keeps the stored secret.</summary>
    public bool Required { get; set; }

    protected override void Check(Dictionary<string, string> errors, string field, string? value) =>
        InputRules.Secret(errors, field, value, Required);
}

/// <summary>Free text staff will read: trimmed length at most <c>max</c>, no control characters (line breaks when multiline), no bidi/format characters.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PlainTextAttribute(string label, int max) : InputRuleAttribute
{
    public string Label { get; } = label;

    public int Max { get; } = max;

    public bool Required { get; set; }

    public bool Multiline { get; set; }

    protected override void Check(Dictionary<string, string> errors, string field, string? value) =>
        InputRules.Text(errors, field, Label, value, Max, Required, Multiline);
}

/// <summary>Owners: e-mail addresses separated by commas, no format characters, at most <c>max</c> characters once normalised.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OwnerEmailsAttribute(int max) : InputRuleAttribute
{
    public int Max { get; } = max;

    protected override void Check(Dictionary<string, string> errors, string field, string? value) =>
        InputRules.Owners(errors, field, value, Max);
}

/// <summary>A Procore id typed as text: digits only, positive, at most <see cref="InputRules.MaxProcoreId"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProcoreIdTextAttribute(string label) : InputRuleAttribute
{
    public string Label { get; } = label;

    protected override void Check(Dictionary<string, string> errors, string field, string? value) =>
        InputRules.ProcoreId(errors, field, Label, value);
}

/// <summary>Runs the DataAnnotations of an input model (every property) and returns the first message per field.</summary>
public static class InputValidator
{
    public static Dictionary<string, string> Validate(object model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            foreach (var field in result.MemberNames.DefaultIfEmpty(""))
            {
                errors.TryAdd(field, result.ErrorMessage ?? "Invalid value.");
            }
        }

        return errors;
    }

    /// <summary>Adds the model's field errors to <paramref name="errors"/> (a field keeps its first message).</summary>
    public static void AddTo(Dictionary<string, string> errors, object model)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (field, message) in Validate(model))
        {
            errors.TryAdd(field, message);
        }
    }

    /// <summary>The public string properties of <paramref name="type"/> that carry no validation attribute.</summary>
    public static IReadOnlyList<string> UnvalidatedTextProperties(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && !p.GetCustomAttributes<ValidationAttribute>().Any())
            .Select(p => p.Name).ToList();
    }
}

/// <summary>Text others will read that may hold anything except Unicode format characters (bidi overrides, zero-width characters).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NoFormatCharactersAttribute(string label) : InputRuleAttribute
{
    public string Label { get; } = label;

    protected override void Check(Dictionary<string, string> errors, string field, string? value)
    {
        if (InputRules.HasFormatCharacters(value))
        {
            errors[field] = $"The {Label} text contains invisible formatting characters (such as right-to-left overrides); type it again without them.";
        }
    }
}

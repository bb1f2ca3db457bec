using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Companies;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Rotation;

namespace ProcoreAdmin.Tests.Web.Architecture;

/// <summary>The form and the rotation engine accept and refuse the same secrets (one validator, one limit).</summary>
public sealed class OneSetOfRulesTests
{
    public static TheoryData<string> Secrets => new()
    {
        "TESTSECRET-" + new string('a', InputRules.MaxSecretLength - 11),      // exactly the limit
        "TESTSECRET-" + new string('a', InputRules.MaxSecretLength - 10),      // one over
        "TESTSECRET-" + new string('a', 512 - 11),                             // the engine's old limit
        "TESTSECRET-with\u202Eoverride",
        "TESTSECRET-with\nline-break",
        "TESTSECRET-plain",
    };

    [Theory]
    [MemberData(nameof(Secrets))]
    public void Secret_FormAndRotationEngine_GiveTheSameVerdict(string secret)
    {
        var errors = new Dictionary<string, string>();
        InputRules.Secret(errors, "Secret", secret, required: true);

        Assert.Equal(errors.Count == 0, RotationEngine.SecretProblem(secret) is null);
    }

    [Fact]
    public void Secret_OverTheLimit_IsRefusedByBoth()
    {
        var secret = new string('s', InputRules.MaxSecretLength + 1);
        var errors = new Dictionary<string, string>();
        InputRules.Secret(errors, "Secret", secret, required: true);

        Assert.NotEmpty(errors);
        Assert.NotNull(RotationEngine.SecretProblem(secret));
        Assert.Equal(InputRules.MaxSecretLength, RotationEngine.MaxSecretLength);
    }

    [Theory]
    [MemberData(nameof(Secrets))]
    public void SecretAttribute_CredentialInputAndRotationStepInput_GiveTheSameVerdictAndMessage(string secret)
    {
        var form = InputValidator.Validate(new CredentialInput { Label = "L", ClientId = "client", Secret = secret });
        var engine = InputValidator.Validate(new PendingSecretInput(secret, null));

        Assert.Equal(form.GetValueOrDefault(nameof(CredentialInput.Secret)), engine.GetValueOrDefault(nameof(PendingSecretInput.Secret)));
        Assert.Equal(engine.Count == 0, RotationEngine.SecretProblem(secret) is null);
        Assert.DoesNotContain(form.Values, m => m.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public void SecretAttribute_OverTheLimit_RefusesWithTheFormMessage()
    {
        var errors = InputValidator.Validate(new PendingSecretInput("TESTSECRET-" + new string('a', InputRules.MaxSecretLength), null));

        Assert.Equal($"Client secret must be at most {InputRules.MaxSecretLength} characters.", errors[nameof(PendingSecretInput.Secret)]);
    }

    [Fact]
    public void PlainTextAttribute_BidiOverrideInNotes_IsRefusedOnEveryInput()
    {
        const string notes = "pay ‮evil";

        Assert.Contains(nameof(CredentialInput.Notes), InputValidator.Validate(new CredentialInput { Label = "L", ClientId = "c", Notes = notes }).Keys);
        Assert.Contains(nameof(CompanyInput.Notes), InputValidator.Validate(new CompanyInput { ProcoreCompanyId = "1", Name = "N", Notes = notes }).Keys);
        Assert.Contains(nameof(PendingSecretInput.Notes), InputValidator.Validate(new PendingSecretInput("TESTSECRET-x", notes)).Keys);
        Assert.Contains(nameof(RotationTextInput.Reason), InputValidator.Validate(new RotationTextInput { Reason = notes }).Keys);
    }

    /// <summary>
    /// Every text field of an input model carries a rule attribute, so a new field cannot skip validation silently. The
    /// environment (a fixed list) and the custom base URLs (required only for the Custom environment) depend on other
    /// fields and are checked by the service with the same <see cref="InputRules"/>.
    /// </summary>
    [Theory]
    [InlineData(typeof(CredentialInput), new[] { nameof(CredentialInput.Environment), nameof(CredentialInput.CustomLoginBaseUrl), nameof(CredentialInput.CustomApiBaseUrl), nameof(CredentialInput.CustomMonthlyLoginBaseUrl), nameof(CredentialInput.CustomMonthlyApiBaseUrl) })]
    [InlineData(typeof(CompanyInput), new[] { nameof(CompanyInput.Environment) })]
    [InlineData(typeof(PendingSecretInput), new string[0])]
    [InlineData(typeof(RotationTextInput), new string[0])]
    public void InputModels_TextProperties_CarryARuleAttribute(Type model, string[] checkedByService)
    {
        Assert.Equal(checkedByService.Order(StringComparer.Ordinal), InputValidator.UnvalidatedTextProperties(model).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InputModels_SecretProperties_CarryTheClientSecretAttribute()
    {
        Assert.NotNull(typeof(CredentialInput).GetProperty(nameof(CredentialInput.Secret))!.GetCustomAttributes(typeof(ClientSecretAttribute), false).SingleOrDefault());
        Assert.NotNull(typeof(PendingSecretInput).GetProperty(nameof(PendingSecretInput.Secret))!.GetCustomAttributes(typeof(ClientSecretAttribute), false).SingleOrDefault());
    }

    [Theory]
    [InlineData("credential", new[] { "credential", "Credential" })]
    [InlineData("Credential", new[] { "credential", "Credential" })]
    [InlineData("company", new[] { "company", "Company" })]
    [InlineData("RotationRun", new[] { "RotationRun" })]
    public void AuditTargets_StoredSpellings_IncludeTheSpellingsOfOlderRows(string filter, string[] expected)
    {
        Assert.Equal(expected, AuditTargets.StoredSpellings(filter));
    }
}

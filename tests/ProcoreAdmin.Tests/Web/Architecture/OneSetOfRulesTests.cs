using ProcoreAdmin.Web.Features.Audit;
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
    [InlineData("credential", new[] { "credential", "Credential" })]
    [InlineData("Credential", new[] { "credential", "Credential" })]
    [InlineData("company", new[] { "company", "Company" })]
    [InlineData("RotationRun", new[] { "RotationRun" })]
    public void AuditTargets_StoredSpellings_IncludeTheSpellingsOfOlderRows(string filter, string[] expected)
    {
        Assert.Equal(expected, AuditTargets.StoredSpellings(filter));
    }
}

using System.Text.Json;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Rotation;

namespace ProcoreAdmin.Tests.Web.Features.Rotation;

/// <summary>Rotation evidence is typed records; the JSON they write is the shape stored before them, and old rows read back.</summary>
public sealed class RotationEvidenceTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly VerificationResult Result = new(7, SecretSlot.Pending, VerificationOutcome.Ok, "All good.",
        new DateTime(2026, 6, 1, 8, 0, 0, DateTimeKind.Utc), [new CompanyCheck(5000000001, VerificationOutcome.Ok, "ok", 200, "req-1")],
        [5000000001, 5000000002], [5000000001]);

    // How step 5's evidence was written before the typed records (anonymous objects), kept here as the stored format.
    private static string LegacyVerifyEvidence() => JsonSerializer.Serialize(new
    {
        pendingFingerprint = "fp-new",
        passed = false,
        verification = new
        {
            outcome = Result.Outcome.ToString(),
            Result.Summary,
            Result.CheckedUtc,
            slot = Result.Slot.ToString(),
            companies = Result.Companies.Select(c => new { c.ProcoreCompanyId, outcome = c.Outcome.ToString(), c.StatusCode, c.RequestId }),
            expected = Result.ExpectedCompanyIds,
            observed = Result.ObservedCompanyIds,
            missing = Result.MissingCompanyIds,
            unexpected = Result.UnexpectedCompanyIds,
        },
        attempts = new[]
        {
            new { checkedUtc = Result.CheckedUtc, pendingFingerprint = "fp-new", passed = false, outcome = "Ok", Result.Summary, missing = Result.MissingCompanyIds },
        },
    }, Web);

    [Fact]
    public void VerifyEvidence_Written_IsTheStoredFormatOfBefore()
    {
        var typed = new VerifyEvidence("fp-new", false, VerificationEvidence.Of(Result),
            [new VerifyAttempt(Result.CheckedUtc, "fp-new", false, "Ok", Result.Summary, Result.MissingCompanyIds)]);

        Assert.Equal(LegacyVerifyEvidence(), RotationEvidenceJson.Write(typed));
    }

    [Fact]
    public void VerifyEvidence_StoredBeforeTheTypedRecords_ReadsBackWithFingerprintAndAttempts()
    {
        var read = RotationEvidenceJson.Read<VerifyEvidence>(LegacyVerifyEvidence());

        Assert.NotNull(read);
        Assert.Equal("fp-new", read.PendingFingerprint);
        var attempt = Assert.Single(read.Attempts!);
        Assert.Equal((Result.CheckedUtc, "fp-new", false), (attempt.CheckedUtc, attempt.PendingFingerprint, attempt.Passed));
        Assert.Equal([5000000002L], read.Verification!.Missing);
    }

    [Fact]
    public void VerifyEvidence_FromBeforeAttemptsWereKept_ReadsWithNoAttempts()
    {
        var read = RotationEvidenceJson.Read<VerifyEvidence>("""{"pendingFingerprint":"fp-old","passed":true}""");

        Assert.Equal(("fp-old", true, null), (read!.PendingFingerprint, read.Passed, read.Attempts));
    }
}

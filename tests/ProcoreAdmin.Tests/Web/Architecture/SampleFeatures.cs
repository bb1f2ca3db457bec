// Two tiny "features" that exist only to prove FeatureBoundaryChecker reports a violation (see
// FeatureBoundaryTests.Checker_FeatureUsingAnotherFeaturesInternalType_ReportsIt). Alpha uses Beta's contract (allowed) and
// Beta's internal type (reported once).
namespace ProcoreAdmin.Tests.Web.Architecture.Sample
{
    [AttributeUsage(AttributeTargets.All)]
    internal sealed class SampleContractAttribute : Attribute;
}

namespace ProcoreAdmin.Tests.Web.Architecture.SampleFeatures.Beta
{
    [ProcoreAdmin.Tests.Web.Architecture.Sample.SampleContract]
    internal sealed record BetaContract(int Value);

    internal sealed class BetaInternals
    {
        public static int Compute() => 42;
    }
}

namespace ProcoreAdmin.Tests.Web.Architecture.SampleFeatures.Alpha
{
    internal sealed class AlphaService
    {
        public static int UseContract() => new Beta.BetaContract(1).Value;

        public static int UseInternals() => Beta.BetaInternals.Compute();
    }
}

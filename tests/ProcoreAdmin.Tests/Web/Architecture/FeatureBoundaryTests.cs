using Mono.Cecil;
using Mono.Cecil.Cil;
using ProcoreAdmin.Web.Shared;

namespace ProcoreAdmin.Tests.Web.Architecture;

/// <summary>
/// Features depend on contracts, not on each other. The rule, checked on the compiled Web assembly (IL, so method bodies,
/// lambdas, async state machines and Razor components count, not only signatures):
/// <list type="bullet">
/// <item>A feature is a namespace <c>ProcoreAdmin.Web.Features.X</c> (the folder <c>Features/X/</c>, sub-namespaces included).</item>
/// <item>A type of feature X may use a type of another feature Y only when that type is marked
/// <see cref="FeatureContractAttribute"/> (nested types of a contract type count as the contract).</item>
/// <item>Contract types are public. Interfaces a feature offers others live in its <c>XContracts.cs</c>; the records those
/// interfaces return and small pure helpers (display text, health rules) are marked where they are declared.</item>
/// <item>Cross-feature pieces that are nobody's own (form results, input rules, the rate-limit meter, CSV cells, job
/// registration) live in <c>ProcoreAdmin.Web.Shared</c>, which every feature may use.</item>
/// </list>
/// Constants (<c>const</c>) are copied into the caller by the compiler and are not visible in IL; they are not checked.
/// </summary>
public sealed class FeatureBoundaryTests
{
    private const string FeaturesNamespace = "ProcoreAdmin.Web.Features";

    [Fact]
    public void Features_ReferenceOtherFeatures_OnlyThroughTheirContracts()
    {
        var violations = FeatureBoundaryChecker.Check(typeof(ProcoreAdmin.Web.Shared.UserActions).Assembly.Location, FeaturesNamespace, nameof(FeatureContractAttribute));

        Assert.True(violations.Count == 0,
            "Types that reach into another feature's internals (make the used type a [FeatureContract] in that feature's *Contracts.cs, "
            + "or move the piece to ProcoreAdmin.Web.Shared):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void FeatureContracts_ArePublicTypesOfAFeature()
    {
        var wrong = typeof(ProcoreAdmin.Web.Shared.UserActions).Assembly.GetTypes()
            .Where(t => t.IsDefined(typeof(FeatureContractAttribute), inherit: false))
            .Where(t => !t.IsPublic || t.Namespace is null || !t.Namespace.StartsWith(FeaturesNamespace + ".", StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(wrong.Count == 0, "[FeatureContract] types must be public top-level types of a feature:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Checker_FeatureUsingAnotherFeaturesInternalType_ReportsIt()
    {
        // The checker itself must be able to fail: the sample features in this test assembly break the rule once.
        var violations = FeatureBoundaryChecker.Check(typeof(FeatureBoundaryTests).Assembly.Location,
            "ProcoreAdmin.Tests.Web.Architecture.SampleFeatures", nameof(Sample.SampleContractAttribute));

        var violation = Assert.Single(violations);
        Assert.Contains("SampleFeatures.Alpha.AlphaService", violation, StringComparison.Ordinal);
        Assert.Contains("SampleFeatures.Beta.BetaInternals", violation, StringComparison.Ordinal);
    }

}

/// <summary>Reads an assembly's IL and lists every place where one feature uses another feature's non-contract type.</summary>
internal static class FeatureBoundaryChecker
{
    public static IReadOnlyList<string> Check(string assemblyPath, string featuresNamespace, string contractAttributeName)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        var module = assembly.MainModule;
        var prefix = featuresNamespace + ".";
        var violations = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var type in module.GetTypes())
        {
            var owner = FeatureOf(TopLevel(type), prefix);
            if (owner is null)
            {
                continue;
            }

            foreach (var (used, where) in References(type))
            {
                var usedDefinition = Resolve(used, module);
                if (usedDefinition is null)
                {
                    continue;
                }

                var top = TopLevel(usedDefinition);
                var usedFeature = FeatureOf(top, prefix);
                if (usedFeature is null || usedFeature == owner || IsContract(usedDefinition, contractAttributeName))
                {
                    continue;
                }

                violations.Add($"{Display(TopLevel(type))} ({owner}, {where}) uses {Display(top)} ({usedFeature})");
            }
        }

        return violations.ToList();
    }

    private static string Display(TypeDefinition type) => type.FullName.Replace('/', '+');

    private static TypeDefinition TopLevel(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static string? FeatureOf(TypeDefinition topLevel, string prefix) =>
        topLevel.Namespace.StartsWith(prefix, StringComparison.Ordinal) ? topLevel.Namespace[prefix.Length..].Split('.')[0] : null;

    private static bool IsContract(TypeDefinition type, string attributeName)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            if (t.CustomAttributes.Any(a => a.AttributeType.Name == attributeName))
            {
                return true;
            }
        }

        return false;
    }

    private static TypeDefinition? Resolve(TypeReference reference, ModuleDefinition module)
    {
        // Only types of the inspected assembly can belong to a feature.
        var scope = reference.Scope;
        if (scope is ModuleDefinition m && m != module)
        {
            return null;
        }

        if (scope is AssemblyNameReference)
        {
            return null;
        }

        try
        {
            return reference.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    private static List<(TypeReference Type, string Where)> References(TypeDefinition type)
    {
        var found = new List<(TypeReference Type, string Where)>();
        void Add(TypeReference? reference, string where)
        {
            switch (reference)
            {
                case null:
                case GenericParameter:
                    return;
                case GenericInstanceType generic:
                    Add(generic.ElementType, where);
                    foreach (var argument in generic.GenericArguments)
                    {
                        Add(argument, where);
                    }

                    return;
                case TypeSpecification specification:
                    Add(specification.ElementType, where);
                    return;
                default:
                    found.Add((reference, where));
                    return;
            }
        }

        void AddAttributes(ICustomAttributeProvider provider, string where)
        {
            foreach (var attribute in provider.CustomAttributes)
            {
                Add(attribute.AttributeType, where);
                foreach (var argument in attribute.ConstructorArguments)
                {
                    Add(argument.Value as TypeReference, where);
                }
            }
        }

        void AddMethod(MethodReference method, string where)
        {
            Add(method.DeclaringType, where);
            Add(method.ReturnType, where);
            foreach (var parameter in method.Parameters)
            {
                Add(parameter.ParameterType, where);
            }

            if (method is GenericInstanceMethod genericMethod)
            {
                foreach (var argument in genericMethod.GenericArguments)
                {
                    Add(argument, where);
                }
            }
        }

        Add(type.BaseType, "base type");
        foreach (var implemented in type.Interfaces)
        {
            Add(implemented.InterfaceType, "interface");
        }

        AddAttributes(type, "attribute");
        foreach (var field in type.Fields)
        {
            Add(field.FieldType, $"field {field.Name}");
            AddAttributes(field, $"field {field.Name}");
        }

        foreach (var property in type.Properties)
        {
            Add(property.PropertyType, $"property {property.Name}");
            AddAttributes(property, $"property {property.Name}");
        }

        foreach (var method in type.Methods)
        {
            var where = $"method {method.Name}";
            AddMethod(method, where);
            AddAttributes(method, where);
            foreach (var parameter in method.GenericParameters.SelectMany(g => g.Constraints))
            {
                Add(parameter.ConstraintType, where);
            }

            if (!method.HasBody)
            {
                continue;
            }

            foreach (var variable in method.Body.Variables)
            {
                Add(variable.VariableType, where);
            }

            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t, where);
                        break;
                    case MethodReference m:
                        AddMethod(m, where);
                        break;
                    case FieldReference f:
                        Add(f.DeclaringType, where);
                        Add(f.FieldType, where);
                        break;
                }
            }
        }

        return found;
    }
}

namespace ProcoreAdmin.Web.Shared;

/// <summary>
/// Marks a type as part of its feature's contract: the only types of a feature (<c>ProcoreAdmin.Web.Features.X</c>) that
/// another feature may use. Interfaces a feature offers others live in its <c>XContracts.cs</c>; the records they return,
/// enums, exceptions and small pure helpers are marked where they are declared. Everything unmarked in a feature folder is
/// its internals. The architecture test (<c>FeatureBoundaryTests</c>) enforces it on the compiled IL.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Enum, Inherited = false)]
public sealed class FeatureContractAttribute : Attribute;

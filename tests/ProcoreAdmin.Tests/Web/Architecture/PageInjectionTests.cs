using System.Reflection;
using Microsoft.AspNetCore.Components;

namespace ProcoreAdmin.Tests.Web.Architecture;

/// <summary>
/// A page talks to one feature service: what it needs from other features or contracts is offered by that service, which
/// delegates. UI services (snackbar, dialogs, navigation, time, <see cref="ProcoreAdmin.Web.Shared.UserActions"/>) are not
/// feature types and do not count.
/// </summary>
public sealed class PageInjectionTests
{
    private const string FeaturesNamespace = "ProcoreAdmin.Web.Features.";

    [Fact]
    public void Pages_InjectAtMostOneFeatureService()
    {
        var pages = RoutablePages();
        Assert.NotEmpty(pages);

        var offenders = pages
            .Select(p => (Page: p, Injected: FeatureInjections(p)))
            .Where(x => x.Injected.Count > 1)
            .Select(x => $"{x.Page.FullName}: {string.Join(", ", x.Injected.Select(t => t.FullName))}")
            .ToList();

        Assert.True(offenders.Count == 0,
            "Pages that inject more than one feature service (give the page's service a method that delegates instead):\n"
            + string.Join("\n", offenders));
    }

    [Fact]
    public void FeatureInjections_PageWithTwoFeatureServices_AreBothCounted()
    {
        // The check itself must see every [Inject] property, including inherited and non-public ones.
        var injected = FeatureInjections(typeof(TwoServicesPage));

        Assert.Equal(2, injected.Count);
    }

    private static List<Type> RoutablePages() =>
        [.. typeof(ProcoreAdmin.Web.Shared.UserActions).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract && t.IsDefined(typeof(RouteAttribute), inherit: false))];

    private static List<Type> FeatureInjections(Type page)
    {
        var result = new List<Type>();
        for (var type = page; type is not null && type != typeof(ComponentBase); type = type.BaseType)
        {
            result.AddRange(type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(p => p.IsDefined(typeof(InjectAttribute), inherit: true))
                .Select(p => p.PropertyType)
                .Where(t => t.Namespace is { } ns && (ns + ".").StartsWith(FeaturesNamespace, StringComparison.Ordinal)));
        }

        return [.. result.Distinct()];
    }

    private sealed class TwoServicesPage : ComponentBase
    {
        [Inject] public required ProcoreAdmin.Web.Features.Companies.CompaniesService Companies { get; init; }

        [Inject] private ProcoreAdmin.Web.Features.Credentials.ICredentialInstallations Installations { get; init; } = null!;

        [Inject] public required NavigationManager Navigation { get; init; }
    }
}

using System.Reflection;
using Microsoft.Extensions.Configuration;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>
/// The settings sample lists every setting: each options class the app binds (found by reflection: a class with a
/// <c>SectionName</c> constant) has its section in <c>appsettings.Development.json.sample</c>, and the names are consistent.
/// </summary>
public sealed class SettingsSampleTests
{
    private static readonly Assembly[] AppAssemblies = [typeof(DatabaseOptions).Assembly, typeof(ProcoreClientOptions).Assembly];

    /// <summary>Every class that declares a configuration section name (public or not), with that name.</summary>
    private static IEnumerable<(Type Type, string Section)> BoundOptions() =>
        from type in AppAssemblies.SelectMany(a => a.GetTypes())
        where type.IsClass
        from field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        where field is { IsLiteral: true } && field.FieldType == typeof(string) && field.Name is "SectionName" or "Section"
        select (type, (string)field.GetRawConstantValue()!);

    public static TheoryData<string> OptionsClasses() => [.. BoundOptions().Select(o => o.Type.FullName!)];

    [Fact]
    public void Reflection_FindsTheOptionsClassesTheAppBinds()
    {
        var found = BoundOptions().Select(o => o.Type.Name).ToList();

        // A sanity check that the reflection sees the app's options, including those of every feature and the Procore client.
        Assert.Contains("DatabaseOptions", found);
        Assert.Contains("NotificationsOptions", found);
        Assert.Contains("RotationOptions", found);
        Assert.Contains("ProcoreClientOptions", found);
        Assert.True(found.Count >= 12, $"Only {found.Count} options classes found: {string.Join(", ", found)}");
    }

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void SettingsSample_HoldsTheSectionOf(string optionsClass)
    {
        var (_, section) = BoundOptions().Single(o => o.Type.FullName == optionsClass);
        var sample = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(OptionsValidationTests.RepoRoot(), "appsettings.Development.json.sample"))
            .Build();

        Assert.True(sample.GetSection(section).Exists(),
            $"appsettings.Development.json.sample has no \"{section}\" section, which {optionsClass} binds.");
    }

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void BoundOptions_AreNamedOptions_WithASectionNameConstant(string optionsClass)
    {
        var type = BoundOptions().First(o => o.Type.FullName == optionsClass).Type;

        Assert.EndsWith("Options", type.Name, StringComparison.Ordinal);
        Assert.Null(type.GetField("Section", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static));
        Assert.NotNull(type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static));
    }
}

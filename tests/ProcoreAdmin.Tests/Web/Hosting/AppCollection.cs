namespace ProcoreAdmin.Tests.Web.Hosting;

/// <summary>All tests that host the web app run one at a time: Hangfire keeps a process-wide current storage.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection
{
    public const string Name = "web app";
}

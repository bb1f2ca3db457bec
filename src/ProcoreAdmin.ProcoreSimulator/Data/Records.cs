using System.Collections.Concurrent;

namespace ProcoreAdmin.ProcoreSimulator.Data;

internal sealed class ProjectRecord
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public required string DisplayName { get; init; }
    public required string ProjectNumber { get; init; }
    public required string Address { get; init; }
    public required string City { get; init; }
    public required string StateCode { get; init; }
    public required string CountryCode { get; init; }
    public required string Zip { get; init; }
    public required string County { get; init; }
    public required string TimeZone { get; init; }
    public required string TzName { get; init; }
    public required double Latitude { get; init; }
    public required double Longitude { get; init; }
    public required string Stage { get; init; }
    public required int StageId { get; init; }
    public required string Phone { get; init; }
    public required bool Active { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required DateOnly StartDate { get; init; }
    public required DateOnly CompletionDate { get; init; }
    public required long TotalValue { get; init; }
    public required int SquareFeet { get; init; }
    public required string ProjectType { get; init; }
    public required int ProjectTypeId { get; init; }
    public required string Description { get; init; }
    public required long CompanyId { get; init; }
    public required string CompanyName { get; init; }
    public required long OfficeId { get; init; }
    public required string OfficeName { get; init; }
}

internal sealed class UserRecord
{
    public required long Id { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public string Name => FirstName + " " + LastName;
    public string Initials => string.Concat(FirstName.AsSpan(0, 1), LastName.AsSpan(0, 1));
    public required string EmailAddress { get; init; }
    public required string JobTitle { get; init; }
    public required string BusinessPhone { get; init; }
    public required string MobilePhone { get; init; }
    public required string Address { get; init; }
    public required string City { get; init; }
    public required string StateCode { get; init; }
    public required string Zip { get; init; }
    public required bool IsActive { get; init; }
    public required bool IsEmployee { get; init; }
    public required string EmployeeId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required DateTimeOffset? LastLoginAt { get; init; }
    public required long PermissionTemplateId { get; init; }
    public required string PermissionTemplateName { get; init; }
    public required long VendorId { get; init; }
    public required string VendorName { get; init; }
}

internal sealed class OfficeRecord
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public required string Address { get; init; }
    public required string City { get; init; }
    public required string StateCode { get; init; }
    public required string CountryCode { get; init; }
    public required string Zip { get; init; }
    public required string Phone { get; init; }
    public required string Fax { get; init; }
    public required string Division { get; init; }
    public required bool MainOffice { get; init; }
}

/// <summary>Immutable generated data of one company (plus a cache of sorted project orders).</summary>
internal sealed class CompanyData
{
    private readonly ConcurrentDictionary<string, ProjectRecord[]> _sorted = new(StringComparer.Ordinal);

    public required long Id { get; init; }
    public required string Name { get; init; }
    public required bool IsActive { get; init; }
    public required string? LogoUrl { get; init; }
    public required bool PcnBusinessExperience { get; init; }

    /// <summary>In id order.</summary>
    public required ProjectRecord[] Projects { get; init; }
    public required IReadOnlyDictionary<long, ProjectRecord> ProjectsById { get; init; }
    public required UserRecord[] Users { get; init; }
    public required OfficeRecord[] Offices { get; init; }

    /// <summary>Projects in the order of a normalised sort specification (e.g. "name" or "-name,id"), cached.</summary>
    public ProjectRecord[] ProjectsSortedBy(string normalizedSort, Func<ProjectRecord[], ProjectRecord[]> sorter) =>
        _sorted.GetOrAdd(normalizedSort, static (_, state) => state.sorter(state.projects), (sorter, projects: Projects));

    /// <summary>A deterministic subset of the company's active users who are "in" a project's directory.</summary>
    public IEnumerable<UserRecord> UsersOfProject(ProjectRecord project)
    {
        var active = Users.Where(u => u.IsActive).ToArray();
        if (active.Length == 0)
        {
            yield break;
        }

        var count = Math.Min(active.Length, 3 + (int)(project.Id % 5));
        var start = (int)(project.Id * 7 % active.Length);
        var picked = new List<UserRecord>(count);
        for (var i = 0; i < count; i++)
        {
            picked.Add(active[(start + i) % active.Length]);
        }

        foreach (var user in picked.OrderBy(u => u.Id))
        {
            yield return user;
        }
    }
}

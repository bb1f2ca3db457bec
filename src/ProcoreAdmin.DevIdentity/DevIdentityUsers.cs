using System.Collections.Immutable;

namespace ProcoreAdmin.DevIdentity;

/// <summary>The seeded staff accounts (immutable). All use the password <c>dev</c>.</summary>
internal static class DevIdentityUsers
{
    public const string Password = "dev";

    public static ImmutableArray<DevIdentityUser> All { get; } =
    [
        new("admin", Password, "dev-admin", "Ada Admin", "ada.admin@procoreadmin.dev.local", ImmutableArray.Create("procoreadmin-admins")),
        new("operator", Password, "dev-operator", "Otto Operator", "otto.operator@procoreadmin.dev.local", ImmutableArray.Create("procoreadmin-operators")),
        new("viewer", Password, "dev-viewer", "Vera Viewer", "vera.viewer@procoreadmin.dev.local", ImmutableArray.Create("procoreadmin-viewers")),
        new("outsider", Password, "dev-outsider", "Oscar Outsider", "oscar.outsider@procoreadmin.dev.local", ImmutableArray<string>.Empty),
    ];

    /// <summary>The user with this username (case-insensitive) and password (exact), or null.</summary>
    public static DevIdentityUser? FindByCredentials(string? username, string? password)
    {
        var user = All.FirstOrDefault(u => string.Equals(u.Username, username?.Trim(), StringComparison.OrdinalIgnoreCase));
        return user is not null && string.Equals(user.Password, password, StringComparison.Ordinal) ? user : null;
    }

    public static DevIdentityUser? FindBySubject(string? subject) =>
        subject is null ? null : All.FirstOrDefault(u => string.Equals(u.Subject, subject, StringComparison.Ordinal));
}

namespace ProcoreAdmin.Web.Hosting;

/// <summary>The three app roles and the policies built on them. Higher roles include the lower ones.</summary>
public static class StaffRoles
{
    public const string Viewer = "Viewer";
    public const string Operator = "Operator";
    public const string Admin = "Admin";

    /// <summary>The claim type that carries app roles after mapping (never the IdP's raw values).</summary>
    public const string ClaimType = "procoreadmin_role";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    /// <summary>Policy names: "can read", "can run tests and jobs", "can manage credentials, schedules and settings".</summary>
    public static class Policies
    {
        public const string Staff = "Staff";
        public const string Operate = "Operate";
        public const string Administer = "Administer";
    }

    /// <summary>The roles a user holds once the highest mapped role is expanded (Admin ⇒ Operator ⇒ Viewer).</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> mappedRoles)
    {
        var set = mappedRoles.ToHashSet(StringComparer.Ordinal);
        if (set.Contains(Admin))
        {
            return [Viewer, Operator, Admin];
        }

        if (set.Contains(Operator))
        {
            return [Viewer, Operator];
        }

        return set.Contains(Viewer) ? [Viewer] : [];
    }

    /// <summary>The role shown next to the user's name: the highest one held.</summary>
    public static string? Highest(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Admin) ? Admin : user.IsInRole(Operator) ? Operator : user.IsInRole(Viewer) ? Viewer : null;
}

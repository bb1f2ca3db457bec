namespace ProcoreAdmin.DevIdentity;

/// <summary>A seeded staff account of the development identity provider.</summary>
/// <param name="Username">Sign-in name, also the <c>preferred_username</c> claim.</param>
/// <param name="Password">Sign-in password (development only).</param>
/// <param name="Subject">Stable <c>sub</c> claim.</param>
/// <param name="DisplayName">The <c>name</c> claim.</param>
/// <param name="Email">The <c>email</c> claim.</param>
/// <param name="Groups">One <c>groups</c> claim per entry.</param>
public sealed record DevIdentityUser(
    string Username,
    string Password,
    string Subject,
    string DisplayName,
    string Email,
    IReadOnlyList<string> Groups);

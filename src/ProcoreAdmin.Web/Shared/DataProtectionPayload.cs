namespace ProcoreAdmin.Web.Shared;

/// <summary>Facts about an ASP.NET Core Data Protection payload that every feature storing protected data needs.</summary>
public static class DataProtectionPayload
{
    /// <summary>The key id in a Data Protection payload header (4-byte magic, then the 16-byte key id); empty when too short.</summary>
    public static Guid KeyIdOf(byte[] payload) =>
        payload.Length >= 20 ? new Guid(payload.AsSpan(4, 16)) : Guid.Empty;
}

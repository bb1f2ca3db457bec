namespace ProcoreAdmin.Data.Credentials;

/// <summary>The life of a DMSA credential set (stored as text).</summary>
public enum CredentialStatus
{
    Active = 0,
    RotationDue = 1,
    Rotating = 2,
    SuspectedCompromise = 3,
    Retired = 4,

    /// <summary>No working secret: a rotation failed after Procore reset the secret, or verification keeps failing.</summary>
    Down = 5,
}

namespace ProcoreAdmin.ProcoreClient;

/// <summary>
/// A DMSA credential as the client sees it. <paramref name="Key"/> identifies the credential set (token cache and
/// rate-limit snapshots are keyed by it). The secret is fetched through <paramref name="SecretProvider"/> only when a
/// token is needed and is sent only to the login host of <paramref name="Environment"/>.
/// </summary>
public sealed record ProcoreCredential(
    string Key,
    ProcoreEnvironment Environment,
    string ClientId,
    Func<CancellationToken, ValueTask<string>> SecretProvider,
    Uri? CustomLoginBaseUrl = null,
    Uri? CustomApiBaseUrl = null)
{
    /// <summary>The host pair this credential may talk to.</summary>
    public ProcoreHosts Hosts => ProcoreHosts.For(Environment, CustomLoginBaseUrl, CustomApiBaseUrl);

    /// <summary>Never prints the secret provider.</summary>
    public override string ToString() => $"ProcoreCredential {{ Key = {Key}, Environment = {Environment}, ClientId = {ClientId} }}";
}

namespace ProcoreAdmin.DevIdentity;
// TEMPORARY contract stub, replaced by the real implementation on merge.
public sealed class DevIdentityOptions { public string Url { get; set; } = "http://127.0.0.1:5390"; public string ClientId { get; set; } = "procoreadmin-web"; public required string ClientSecret { get; set; } public string EnvironmentName { get; set; } = "Development"; }
public sealed record DevIdentityUser(string Username, string Password, string Subject, string DisplayName, string Email, IReadOnlyList<string> Groups);
public sealed class DevIdentityServer : IAsyncDisposable {
    public static IReadOnlyList<DevIdentityUser> SeededUsers { get; } = [];
    public static Task<DevIdentityServer> StartAsync(DevIdentityOptions options, CancellationToken ct = default) => throw new InvalidOperationException("stub");
    public Uri Issuer { get; } = new("http://127.0.0.1/");
    public Task RegisterClientRedirectsAsync(IEnumerable<Uri> redirectUris, IEnumerable<Uri> postLogoutRedirectUris, CancellationToken ct = default) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

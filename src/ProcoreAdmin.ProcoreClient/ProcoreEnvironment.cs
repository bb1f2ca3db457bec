namespace ProcoreAdmin.ProcoreClient;

/// <summary>The Procore environment a credential belongs to. Each has a fixed login host and API host.</summary>
public enum ProcoreEnvironment
{
    Production,
    DeveloperSandbox,
    MonthlySandbox,
    Federal,

    /// <summary>Explicit login and API base URLs (the local simulator or a proxy). Base URLs may carry a path prefix.</summary>
    Custom,
}

/// <summary>The login (token) base URL and the API base URL of one environment. Both always end with '/'.</summary>
public sealed record ProcoreHosts(Uri LoginBaseUrl, Uri ApiBaseUrl)
{
    /// <summary>
    /// Returns the fixed host pair of <paramref name="env"/>. The custom URLs are used only for
    /// <see cref="ProcoreEnvironment.Custom"/> and are ignored for the fixed environments, so a credential can never
    /// send its secret to a host outside its own environment.
    /// </summary>
    public static ProcoreHosts For(ProcoreEnvironment env, Uri? customLogin = null, Uri? customApi = null) => env switch
    {
        ProcoreEnvironment.Production => Fixed("login.procore.com", "api.procore.com"),
        ProcoreEnvironment.DeveloperSandbox => Fixed("login-sandbox.procore.com", "sandbox.procore.com"),
        ProcoreEnvironment.MonthlySandbox => Fixed("login-sandbox-monthly.procore.com", "api-monthly.procore.com"),
        ProcoreEnvironment.Federal => Fixed("login.procoregov.com", "api.procoregov.com"),
        ProcoreEnvironment.Custom => new ProcoreHosts(
            NormalizeCustom(customLogin, nameof(customLogin)),
            NormalizeCustom(customApi, nameof(customApi))),
        _ => throw new ArgumentOutOfRangeException(nameof(env), env, "Unknown Procore environment."),
    };

    private static ProcoreHosts Fixed(string login, string api) =>
        new(new Uri($"https://{login}/"), new Uri($"https://{api}/"));

    private static Uri NormalizeCustom(Uri? uri, string name)
    {
        if (uri is null)
        {
            throw new ArgumentException("A Custom environment needs both a login base URL and an API base URL.", name);
        }

        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("A custom base URL must be an absolute http or https URL.", name);
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ArgumentException("A custom base URL must not contain user info, a query or a fragment.", name);
        }

        var text = uri.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }
}

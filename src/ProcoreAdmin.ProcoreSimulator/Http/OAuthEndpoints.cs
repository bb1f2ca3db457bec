using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ProcoreAdmin.ProcoreSimulator.Auth;
using ProcoreAdmin.ProcoreSimulator.RateLimiting;

namespace ProcoreAdmin.ProcoreSimulator.Http;

/// <summary>
/// The login host: <c>POST /oauth/token</c>, <c>GET /oauth/token/info</c>, <c>POST /oauth/revoke</c>, with Doorkeeper's
/// error shapes and wording (Procore's auth server is Doorkeeper).
/// </summary>
internal sealed class OAuthEndpoints
{
    public const string InvalidClientDescription =
        "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.";

    public const string UnsupportedGrantDescription = "The authorization grant type is not supported by the authorization server.";

    public const string InvalidGrantDescription =
        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";

    public const string InvalidRequestDescription =
        "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.";

    public Task HandleAsync(RequestScope scope)
    {
        var method = scope.Context.Request.Method;
        return scope.Route.ToLowerInvariant() switch
        {
            "/oauth/token" when HttpMethods.IsPost(method) => TokenAsync(scope),
            "/oauth/token/info" when HttpMethods.IsGet(method) => TokenInfoAsync(scope),
            "/oauth/revoke" when HttpMethods.IsPost(method) => RevokeAsync(scope),
            _ => NotFoundAsync(scope),
        };
    }

    private static async Task NotFoundAsync(RequestScope scope)
    {
        if (!await SimulatorRequestHandler.GateAsync(scope, "anon"))
        {
            await JsonOut.ErrorsAsync(scope.Context, 404, "Not Found");
        }
    }

    private static async Task TokenAsync(RequestScope scope)
    {
        var context = scope.Context;
        var parameters = await OAuthParameters.ReadAsync(context.Request);
        var (clientId, clientSecret) = parameters.ClientCredentials();
        if (await SimulatorRequestHandler.GateAsync(scope, $"oauth:{scope.Environment}:{clientId ?? "-"}"))
        {
            return;
        }

        NoStore(context);
        if (parameters.Malformed)
        {
            await OAuthErrorAsync(context, 400, "invalid_request", InvalidRequestDescription);
            return;
        }

        var grantType = parameters.Get("grant_type");
        if (string.IsNullOrEmpty(grantType))
        {
            await OAuthErrorAsync(context, 400, "invalid_request", "Missing required parameter: grant_type.");
            return;
        }

        if (grantType is not ("client_credentials" or "authorization_code" or "refresh_token"))
        {
            await OAuthErrorAsync(context, 400, "unsupported_grant_type", UnsupportedGrantDescription);
            return;
        }

        var app = clientId is null ? null : scope.State.FindApp(clientId, scope.Environment);
        var version = 0;
        if (app is null || !scope.State.SecretMatches(app, clientSecret, scope.Environment, out version))
        {
            context.Response.Headers.WWWAuthenticate =
                $"Bearer realm=\"Doorkeeper\", error=\"invalid_client\", error_description=\"{InvalidClientDescription}\"";
            await OAuthErrorAsync(context, 401, "invalid_client", InvalidClientDescription);
            return;
        }

        switch (grantType)
        {
            case "client_credentials":
                var lifetime = scope.Settings.TokenLifetimeSeconds;
                var token = scope.State.Tokens.Issue(app, scope.Environment, version, scope.Now, lifetime);
                await JsonOut.WriteAsync(context, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("access_token", token);
                    w.WriteString("token_type", "bearer");
                    w.WriteNumber("expires_in", lifetime);
                    w.WriteNumber("created_at", scope.Now.ToUnixTimeSeconds());
                    w.WriteEndObject();
                });
                return;
            case "authorization_code" when string.IsNullOrEmpty(parameters.Get("code")):
                await OAuthErrorAsync(context, 400, "invalid_request", "Missing required parameter: code.");
                return;
            case "refresh_token" when string.IsNullOrEmpty(parameters.Get("refresh_token")):
                await OAuthErrorAsync(context, 400, "invalid_request", "Missing required parameter: refresh_token.");
                return;
            default:
                // The simulator never issues authorization codes or refresh tokens, so every one presented is invalid.
                await OAuthErrorAsync(context, 400, "invalid_grant", InvalidGrantDescription);
                return;
        }
    }

    private static async Task TokenInfoAsync(RequestScope scope)
    {
        var context = scope.Context;
        var token = scope.BearerToken ?? context.Request.Query["access_token"].ToString();
        var rateKey = RateLimiter.ApiKey(scope.Settings.RateLimits, scope.Environment,
            scope.State.Tokens.TryGet(token, out var owner) ? owner!.ClientId : null, token, "-");
        if (await SimulatorRequestHandler.GateAsync(scope, rateKey))
        {
            return;
        }

        var status = scope.State.Tokens.Check(token, scope.Environment, scope.Now, scope.State.FindApp, scope.State.SecretVersionIn, out var record, out var app);
        if (status != TokenStatus.Valid || record is null || app is null)
        {
            await InvalidTokenAsync(context, status);
            return;
        }

        await JsonOut.WriteAsync(context, 200, w =>
        {
            var remaining = (long)Math.Max(0, (record.ExpiresAt - scope.Now).TotalSeconds);
            w.WriteStartObject();
            w.WriteNumber("resource_owner_id", app.ServiceUserId);
            w.WriteStartArray("scopes");
            w.WriteEndArray();
            w.WriteNumber("expires_in_seconds", remaining);
            w.WriteStartObject("application");
            w.WriteString("uid", app.ClientId);
            w.WriteEndObject();
            w.WriteNumber("created_at", record.CreatedAt.ToUnixTimeSeconds());

            // Doorkeeper's own names for the same facts.
            w.WriteStartArray("scope");
            w.WriteEndArray();
            w.WriteNumber("expires_in", remaining);
            w.WriteEndObject();
        });
    }

    private static async Task RevokeAsync(RequestScope scope)
    {
        var context = scope.Context;
        var parameters = await OAuthParameters.ReadAsync(context.Request);
        var (clientId, clientSecret) = parameters.ClientCredentials();
        if (await SimulatorRequestHandler.GateAsync(scope, $"oauth:{scope.Environment}:{clientId ?? "-"}"))
        {
            return;
        }

        NoStore(context);
        var token = parameters.Get("token");
        if (parameters.Malformed || string.IsNullOrEmpty(token))
        {
            await OAuthErrorAsync(context, 400, "invalid_request", "Missing required parameter: token.");
            return;
        }

        AppRuntime? client = null;
        if (clientId is not null)
        {
            client = scope.State.FindApp(clientId, scope.Environment);
            if (client is null || !scope.State.SecretMatches(client, clientSecret, scope.Environment, out _))
            {
                context.Response.Headers.WWWAuthenticate =
                    $"Bearer realm=\"Doorkeeper\", error=\"invalid_client\", error_description=\"{InvalidClientDescription}\"";
                await OAuthErrorAsync(context, 401, "invalid_client", InvalidClientDescription);
                return;
            }
        }

        // RFC 7009 / Doorkeeper: 200 whether or not the token exists; a token of another client is left alone.
        if (scope.State.Tokens.TryGet(token, out var record) && record is not null
            && record.Environment == scope.Environment
            && (client is null || client.ClientId == record.ClientId))
        {
            record.Revoke();
        }

        await JsonOut.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteEndObject();
        });
    }

    /// <summary>401 for API calls with an expired, revoked or unknown token (Doorkeeper's resource-server answer).</summary>
    public static Task InvalidTokenAsync(HttpContext context, TokenStatus status)
    {
        var description = status switch
        {
            TokenStatus.Expired => "The access token expired",
            TokenStatus.Revoked => "The access token was revoked",
            _ => "The access token is invalid",
        };
        context.Response.Headers.WWWAuthenticate =
            $"Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"{description}\"";
        return OAuthErrorAsync(context, 401, "invalid_token", description);
    }

    private static Task OAuthErrorAsync(HttpContext context, int status, string error, string description) =>
        JsonOut.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteString("error_description", description);
            w.WriteEndObject();
        });

    private static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }
}

/// <summary>OAuth parameters from the query, a form (urlencoded or multipart) or a JSON body, plus HTTP Basic client auth.</summary>
internal sealed class OAuthParameters
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public bool Malformed { get; private set; }

    public string? BasicClientId { get; private set; }

    public string? BasicClientSecret { get; private set; }

    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>HTTP Basic wins over body parameters (as in Doorkeeper).</summary>
    public (string? ClientId, string? ClientSecret) ClientCredentials() =>
        BasicClientId is not null ? (BasicClientId, BasicClientSecret) : (Get("client_id"), Get("client_secret"));

    public static async Task<OAuthParameters> ReadAsync(HttpRequest request)
    {
        var result = new OAuthParameters();
        foreach (var (key, value) in request.Query)
        {
            result._values[key] = value.ToString();
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                foreach (var (key, value) in form)
                {
                    result._values[key] = value.ToString();
                }
            }
            else if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    result.Malformed = true;
                }
                else
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        result._values[property.Name] = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString()!,
                            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                            _ => "",
                        };
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException or BadHttpRequestException)
        {
            result.Malformed = true;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                var colon = decoded.IndexOf(':');
                if (colon < 0)
                {
                    result.Malformed = true;
                }
                else
                {
                    result.BasicClientId = FormDecode(decoded[..colon]);
                    result.BasicClientSecret = FormDecode(decoded[(colon + 1)..]);
                }
            }
            catch (FormatException)
            {
                result.Malformed = true;
            }
        }

        return result;
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}

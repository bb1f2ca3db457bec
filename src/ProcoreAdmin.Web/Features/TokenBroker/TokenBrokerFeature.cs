using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using ProcoreAdmin.Web.Features.Rotation;

namespace ProcoreAdmin.Web.Features.TokenBroker;

/// <summary>
/// The token broker: integration services authenticate with client-credentials tokens from the staff identity provider
/// and get Procore access tokens for granted companies at <c>POST /api/v1/procore-tokens</c>; they never hold the secret.
/// </summary>
public static partial class TokenBrokerFeature
{
    public const string RateLimitPolicy = "token-broker-per-client";
    public const string OpenApiDocument = "v1";

    public static WebApplicationBuilder AddTokenBroker(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TokenBrokerOptions>()
            .Bind(builder.Configuration.GetSection(TokenBrokerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenBrokerOptions>, TokenBrokerOptionsValidator>();

        // The JWT scheme for machine clients: never the default scheme, so pages keep authenticating by cookie only.
        services.AddAuthentication().AddMachineClientBearer();

        services.AddSingleton<RotationGate>();
        services.AddSingleton<IRotationObserver>(sp => sp.GetRequiredService<RotationGate>());
        services.AddSingleton<IRotationBlastRadiusSource, BrokerConsumersBlastRadius>();
        services.AddScoped<ProcoreTokenBroker>();
        services.AddScoped<BrokerGrantService>();
#if DEVELOPMENT_COMPANIONS
        // Development only (DevIdentity's machine client): the demo grant for the one-command default.
        services.AddHostedService<TokenBrokerStartup>();
#endif

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                var response = context.HttpContext.Response;
                response.Headers.CacheControl = "no-store";
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
            o.AddPolicy(RateLimitPolicy, http =>
            {
                var settings = http.RequestServices.GetRequiredService<IOptions<TokenBrokerOptions>>().Value;
                var client = MachineClient.From(http.User, settings.EffectiveClientIdClaims);
                return RateLimitPartition.GetTokenBucketLimiter(client is null ? "" : client.Issuer + "|" + client.ClientId, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.Burst,
                    TokensPerPeriod = settings.PermitsPerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });

        services.AddOpenApi(OpenApiDocument, o =>
        {
            o.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "ProcoreAdmin token broker";
                document.Info.Description = "Integration services get Procore access tokens for granted companies and never hold the Procore client secret. " +
                    "Authenticate with a client-credentials access token from the organisation's identity provider (Authorization: Bearer …).";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[MachineClientAuthentication.Scheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A client-credentials access token from the identity provider, with the configured audience.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(MachineClientAuthentication.Scheme, document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>
    /// <c>POST /api/v1/procore-tokens</c>, <c>GET /api/v1/credential-status</c> (machine clients only: the JWT scheme, never a
    /// cookie), and the OpenAPI document at <c>/openapi/v1.json</c> (staff sign-in, like every page).
    /// </summary>
    public static WebApplication MapTokenBroker(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(MachineClientAuthentication.Policy)
            .RequireRateLimiting(RateLimitPolicy)
            .AddEndpointFilter(async (context, next) =>
            {
                context.HttpContext.Response.Headers.CacheControl = "no-store";
                context.HttpContext.Response.Headers.Pragma = "no-cache";
                return await next(context);
            })
            .WithTags("Token broker");

        api.MapPost("/procore-tokens", async Task<IResult> (ProcoreTokenRequest request, HttpContext http, ProcoreTokenBroker broker, IOptions<TokenBrokerOptions> options, CancellationToken ct) =>
            {
                var client = MachineClient.From(http.User, options.Value.EffectiveClientIdClaims)!;
                var outcome = await broker.IssueAsync(client, request, ct);
                if (outcome.Token is { } token)
                {
                    return TypedResults.Ok(token);
                }

                if (outcome.RetryAfter is { } retry)
                {
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return TypedResults.Problem(outcome.Detail, statusCode: outcome.Status, title: outcome.Title);
            })
            .WithName("GetProcoreToken")
            .WithSummary("Get a Procore access token for one company")
            .WithDescription("Returns a Procore access token of the credential set granted to this client for the company, its expiry, the API base URL and " +
                "the company id to send as Procore-Company-Id. Tokens come from ProcoreAdmin's shared cache, so many consumers cost one Procore token " +
                "request per token lifetime. After Procore answers 401, send the token_id back as rejected_token_id. While a rotation has reset the " +
                "secret and not yet promoted the new one, the request waits (bounded) and then answers with the new token; 503 + Retry-After when " +
                "the wait runs out. 403 when the client has no active grant for the company. Responses are never cached (no-store).")
            .Produces<ProcoreTokenResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status429TooManyRequests);

        api.MapGet("/credential-status", async (HttpContext http, ProcoreTokenBroker broker, IOptions<TokenBrokerOptions> options, CancellationToken ct) =>
                TypedResults.Ok(await broker.StatusAsync(MachineClient.From(http.User, options.Value.EffectiveClientIdClaims)!, ct)))
            .WithName("GetCredentialStatus")
            .WithSummary("The state of each credential set granted to this client (read-only)")
            .WithDescription("Status and rotation state per granted credential set: whether token requests are answered at once or wait for a rotation.")
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status429TooManyRequests);

        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }
}

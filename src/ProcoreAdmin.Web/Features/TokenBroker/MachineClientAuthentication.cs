using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.TokenBroker;

/// <summary>An integration service, as its client-credentials token names it.</summary>
public sealed record MachineClient(string Issuer, string ClientId)
{
    /// <summary>The audit trail's actor: issuer + client id, marked as a machine client.</summary>
    public StaffActor Actor => new(Issuer, ClientId, $"machine client {ClientId}", null);

    public static MachineClient? From(ClaimsPrincipal user, IReadOnlyList<string> clientIdClaims)
    {
        if (user.Identity?.AuthenticationType != MachineClientAuthentication.Scheme || user.Identity.IsAuthenticated != true)
        {
            return null;
        }

        var clientId = clientIdClaims.Select(c => user.FindFirst(c)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        var issuer = user.FindFirst("iss")?.Value;
        return clientId is null || issuer is null ? null : new MachineClient(issuer, clientId);
    }
}

/// <summary>
/// The JWT bearer scheme for machine clients (client-credentials access tokens from the staff identity provider). It is
/// never the default scheme, so it cannot authenticate a page; the API's policy names only this scheme, so a staff cookie
/// cannot authenticate the API.
/// </summary>
public static class MachineClientAuthentication
{
    public const string Scheme = "MachineClient";
    public const string Policy = "MachineClient";

    public static AuthenticationBuilder AddMachineClientBearer(this AuthenticationBuilder authentication)
    {
        authentication.AddJwtBearer(Scheme, _ => { });
        authentication.Services.AddOptions<JwtBearerOptions>(Scheme)
            .Configure<IOptions<TokenBrokerOptions>, IOptions<StaffAuthenticationOptions>, IDevelopmentCompanions>((jwt, brokerOptions, staffOptions, companions) =>
            {
                var broker = brokerOptions.Value;
                var staff = staffOptions.Value;
                var devIdentity = string.IsNullOrWhiteSpace(broker.Authority) && string.IsNullOrWhiteSpace(staff.Authority) ? companions.DevIdentityClient : null;
                jwt.Authority = devIdentity?.Authority ?? (string.IsNullOrWhiteSpace(broker.Authority) ? staff.Authority : broker.Authority);
                jwt.RequireHttpsMetadata = devIdentity is null && (string.IsNullOrWhiteSpace(broker.Authority) ? staff.RequireHttpsMetadata : broker.RequireHttpsMetadata);
                jwt.Audience = broker.Audience;
                jwt.MapInboundClaims = false;
                jwt.SaveToken = false;
                jwt.IncludeErrorDetails = false;
                var p = jwt.TokenValidationParameters;
                p.ValidateIssuer = true;
                p.ValidateAudience = true;
                p.ValidAudience = broker.Audience;
                p.ValidateLifetime = true;
                p.RequireExpirationTime = true;
                p.RequireSignedTokens = true;
                p.ValidateIssuerSigningKey = true;
                p.ClockSkew = broker.ClockSkew;
                p.AuthenticationType = Scheme;
                p.NameClaimType = "sub";
                p.RoleClaimType = "__machine_clients_have_no_roles"; // a machine token never carries an app role
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        // An API answers in JSON (or with a bare status): never the HTML status pages meant for browsers.
                        if (context.HttpContext.Features.Get<IStatusCodePagesFeature>() is { } pages)
                        {
                            pages.Enabled = false;
                        }

                        return Task.CompletedTask;
                    },
                    OnChallenge = context =>
                    {
                        context.Response.Headers.CacheControl = "no-store";
                        return Task.CompletedTask;
                    },
                    OnForbidden = context =>
                    {
                        context.Response.Headers.CacheControl = "no-store";
                        return Task.CompletedTask;
                    },
                };
            });

        authentication.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p
                .AddAuthenticationSchemes(Scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(context =>
                {
                    var options = (context.Resource as HttpContext)?.RequestServices.GetRequiredService<IOptions<TokenBrokerOptions>>().Value;
                    return MachineClient.From(context.User, options?.EffectiveClientIdClaims ?? TokenBrokerOptions.DefaultClientIdClaims) is not null;
                }));
        return authentication;
    }
}

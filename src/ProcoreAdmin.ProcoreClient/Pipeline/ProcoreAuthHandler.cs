using System.Net;
using System.Net.Http.Headers;
using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.ProcoreClient.Pipeline;

/// <summary>
/// Attaches the bearer token of the request's credential (taken from the single-flight cache when the request is
/// about to leave, after any pacing wait, so it cannot expire while the caller waits). On a 401 it drops that token,
/// fetches one new token and sends once more.
/// </summary>
internal sealed class ProcoreAuthHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ProcoreRequestContext.Of(request);
        if (!context.UseToken)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var owner = context.Owner;
        var token = await GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || context.TokenRetried)
        {
            return response;
        }

        context.TokenRetried = true;
        response.Dispose();
        owner.Tokens.Invalidate(context.Credential.Key, token);
        owner.Logger.TokenRejectedRetrying(context.Credential.Key, context.Operation);
        token = await GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<CachedToken> GetTokenAsync(ProcoreRequestContext context, CancellationToken ct)
    {
        var owner = context.Owner;
        var started = owner.Time.GetTimestamp();
        var (token, fromCache) = await owner.Tokens.GetAsync(context.Credential, TokenCache.FingerprintOf(context.Credential, context.Hosts),
            forceRefresh: false, _ => owner.FetchTokenAsync(context.Credential, context.Hosts), ct).ConfigureAwait(false);
        context.TokenTime += owner.Time.GetElapsedTime(started);
        context.TokenFromCache &= fromCache;
        return token;
    }
}

using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.ProcoreClient.Pipeline;

/// <summary>
/// Around the rate-limit tracker: before an API request leaves, waits while the app's quota is known to be used up
/// (Remaining at the reserve, or a 429 blocked everyone); after it, records the <c>X-Rate-Limit-*</c> headers. The
/// quota is the app's, shared with every other caller of the same client id, so the tracker keeps one bucket per
/// credential (not per company) and never spends the last request of a window blindly.
/// </summary>
internal sealed class ProcorePacingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ProcoreRequestContext.Of(request);
        var owner = context.Owner;
        if (context.UseToken)
        {
            await owner.PaceAsync(context, cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var now = owner.Time.GetUtcNow();
        var snapshot = RateLimitTracker.Parse(response.Headers, now, context.CompanyId > 0 ? context.CompanyId : null);
        if (snapshot is not null && context.UseToken)
        {
            owner.RateLimits.Record(context.Credential.Key, snapshot);
            if ((int)response.StatusCode == 429 && snapshot.ResetAt is { } reset && reset > now)
            {
                // Everyone of this app holds off until then, not just this caller.
                owner.RateLimits.Block(context.Credential.Key, reset);
            }
        }

        return response;
    }
}

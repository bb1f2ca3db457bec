using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.ProcoreClient.Pipeline;

/// <summary>
/// Around the rate-limit tracker: before an API request leaves, waits until the tracker lets it go (the app's quota is
/// shared with every other caller of the same client id and its windows roll, see <see cref="RateLimitTracker"/>); after
/// it, records the answer and its <c>X-Rate-Limit-*</c> headers in the tracker's log of this process's requests. The
/// tracker keeps one bucket per credential (not per company).
/// </summary>
internal sealed class ProcorePacingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ProcoreRequestContext.Of(request);
        var owner = context.Owner;
        if (!context.UseToken)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var key = context.Credential.Key;
        var ticket = await owner.PaceAsync(context, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // No answer: the request may or may not have been counted; it stays in the log until it ages out.
            owner.RateLimits.Complete(key, ticket, null, owner.Time.GetUtcNow());
            throw;
        }

        var now = owner.Time.GetUtcNow();
        var snapshot = RateLimitTracker.Parse(response.Headers, now, context.CompanyId > 0 ? context.CompanyId : null);
        var refused = (int)response.StatusCode == 429;
        owner.RateLimits.Complete(key, ticket, snapshot, now, refused);
        if (refused && snapshot?.ResetAt is { } reset && reset > now)
        {
            // Everyone of this app holds off until then, not just this caller.
            owner.RateLimits.Block(key, reset);
        }

        return response;
    }
}

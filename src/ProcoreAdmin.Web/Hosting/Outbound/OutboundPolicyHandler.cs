namespace ProcoreAdmin.Web.Hosting.Outbound;

/// <summary>
/// Checks every request's URL against <see cref="OutboundPolicy"/> before it is sent (scheme, allow-list, IP literals), and
/// turns a connect-time refusal (the primary handler's connect callback, after DNS) into the client's own refusal, so a
/// refused destination fails at once with a plain message and is never retried as a network error.
/// </summary>
public sealed class OutboundPolicyHandler(OutboundPolicy policy, Func<OutboundRefusedException, Exception> refuse) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (policy.CheckUrl(request.RequestUri) is { } reason)
        {
            var host = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.IdnHost : "(relative URL)";
            await policy.RecordRefusalAsync(host, reason, cancellationToken);
            throw refuse(new OutboundRefusedException(host, reason));
        }

        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundRefusedException refused)
        {
            throw refuse(refused);
        }
    }
}

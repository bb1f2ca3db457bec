namespace ProcoreAdmin.Web.Hosting.Outbound;

/// <summary>
/// Checks every request against <see cref="OutboundPolicy"/> before it is sent, so a refused destination fails at once with
/// a plain message (and is not retried as a network error). The primary handler's connect callback checks again at
/// connect time, which is what holds against DNS rebinding.
/// </summary>
public sealed class OutboundPolicyHandler(OutboundPolicy policy, Func<OutboundRefusedException, Exception> refuse) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (await policy.CheckAsync(request.RequestUri, cancellationToken) is { } reason)
        {
            var host = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.IdnHost : "(relative URL)";
            throw refuse(new OutboundRefusedException(host, reason));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

namespace ProcoreAdmin.ProcoreClient.Pipeline;

/// <summary>Thrown when one attempt (headers) did not arrive within the per-attempt timeout.</summary>
internal sealed class ProcoreAttemptTimeoutException(Exception inner) : TimeoutException("The Procore request attempt timed out.", inner);

/// <summary>
/// Bounds one attempt by <see cref="ProcoreClientOptions.RequestTimeout"/> (on the client's <see cref="TimeProvider"/>).
/// The timeout keeps running after the headers arrive, so reading the body of the returned response is bounded too.
/// </summary>
internal sealed class ProcoreAttemptTimeoutHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ProcoreRequestContext.Of(request);
        var owner = context.Owner;
        var timeout = new CancellationTokenSource(owner.Options.RequestTimeout, owner.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        context.Attempts++;
        try
        {
            var response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
            context.AttemptTimeout?.Dispose();
            context.AttemptTimeout = timeout;
            return response;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            timeout.Dispose();
            throw new ProcoreAttemptTimeoutException(ex);
        }
        catch
        {
            timeout.Dispose();
            throw;
        }
    }
}

namespace ProcoreAdmin.ProcoreClient;

/// <summary>Plain-language explanations of <see cref="ProcoreErrorKind"/> values for staff.</summary>
public static class ProcoreErrorExplainer
{
    public static string Explain(ProcoreErrorKind kind) => kind switch
    {
        ProcoreErrorKind.MissingCompanyHeader =>
            "Procore needs the Procore-Company-Id header on every call made with a service-account (DMSA) token, " +
            "including /me and /companies. Send the id of the company you are working in.",
        ProcoreErrorKind.AppNotConnected =>
            "The app behind this credential is not installed in this Procore company, or a company admin disconnected it. " +
            "A company admin must install or reconnect the app (Company Admin → App Management) before calls can work.",
        ProcoreErrorKind.InvalidClient =>
            "Procore's login server rejected the client id or client secret. The secret may have been reset in the " +
            "Developer Portal (the old one stops working at once), mistyped, or belong to another environment " +
            "(sandbox credentials do not work in production and vice versa).",
        ProcoreErrorKind.TokenRequestRejected =>
            "Procore's login server refused the token request. Check that the credential is a client-credentials (DMSA) " +
            "app for this environment.",
        ProcoreErrorKind.TokenExpired =>
            "The access token expired and a freshly fetched token was refused as well. The secret may have been reset, " +
            "or the clock of this server may be far off.",
        ProcoreErrorKind.InvalidToken =>
            "Procore refused the access token even after a fresh one was fetched. The token may have been revoked, the " +
            "secret reset, or the app uninstalled from the company.",
        ProcoreErrorKind.RateLimited =>
            "Procore's rate limit for this credential and company is used up. Calls can resume when the limit resets; " +
            "the client waits automatically for short pauses and gives up on long ones.",
        ProcoreErrorKind.Forbidden =>
            "Procore refused access: the app's permissions do not cover this tool, the project is not one of the app's " +
            "permitted projects, or the tool is disabled.",
        ProcoreErrorKind.NotFound =>
            "Procore did not find this resource, or the service account cannot see it. A missing Procore-Company-Id " +
            "header can also cause a 404.",
        ProcoreErrorKind.BadRequest => "Procore rejected the request as malformed.",
        ProcoreErrorKind.Conflict => "Procore reported a conflict, for example a duplicate record.",
        ProcoreErrorKind.ValidationFailed => "Procore accepted the request's syntax but a business rule failed; see the message.",
        ProcoreErrorKind.ServerError => "Procore had a server-side problem. It is usually temporary; try again later.",
        ProcoreErrorKind.Timeout => "Procore did not answer in time. It is usually temporary; try again later.",
        ProcoreErrorKind.Unreachable =>
            "Procore could not be reached (DNS, connection or TLS failure). Check the network and the environment's hosts.",
        ProcoreErrorKind.MalformedResponse => "Procore's answer could not be read (it was not the expected JSON).",
        ProcoreErrorKind.UnexpectedRedirect =>
            "Procore answered with a redirect. The client never follows redirects, so that credentials cannot leak to another host.",
        ProcoreErrorKind.RequestNotAllowed =>
            "The request was refused before anything was sent: only allow-listed relative Procore API paths may be called.",
        ProcoreErrorKind.SecretUnavailable => "The client secret of this credential could not be read.",
        _ => "Procore returned an unexpected error.",
    };
}

using System.Net;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.Tests.ProcoreClient;

public class ErrorParsingTests
{
    [Fact]
    public async Task Error_AppNotConnected_ParsedFromErrorsArray()
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Json(HttpStatusCode.Forbidden,
            """{"errors":["App is not connected to this company."]}""", ("X-Request-Id", "abc-123")));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() =>
            h.Client.GetProjectsPageAsync(h.Credential, ClientHarness.CompanyId, new ProjectQuery()));

        Assert.Equal(ProcoreErrorKind.AppNotConnected, ex.Kind);
        Assert.Equal(403, ex.StatusCode);
        Assert.Equal("App is not connected to this company.", ex.ProcoreMessage);
        Assert.StartsWith("abc-123", ex.RequestId);
        Assert.Contains("abc-123", ex.Message);
        Assert.Equal("GET rest/v1.1/projects", ex.Operation);
        Assert.Contains("install", ex.Explanation);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "text/plain", "Missing Procore-Company-Id header!")]
    [InlineData(HttpStatusCode.BadRequest, "application/json", """{"errors":"Missing Procore-Company-Id header! See https://developers.procore.com/documentation/tutorial-mpz"}""")]
    [InlineData(HttpStatusCode.BadRequest, "application/json", """{"message":"Missing Procore-Company-Id header!"}""")]
    public async Task Error_MissingCompanyHeader_Recognised(HttpStatusCode status, string mediaType, string body)
    {
        using var h = new ClientHarness();
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Text(status, body, mediaType));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.MissingCompanyHeader, ex.Kind);
        Assert.StartsWith("Missing Procore-Company-Id header!", ex.ProcoreMessage);
        Assert.Contains("Procore-Company-Id", ex.Explanation);
    }

    [Fact]
    public async Task Error_Html500_TitleBecomesMessage()
    {
        using var h = new ClientHarness(o => o.MaxTransientRetries = 0); // a GET would otherwise retry the 500
        h.Stub.OnApi = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.InternalServerError,
            """
            <!DOCTYPE html>
            <html><head><title>We&#39;re sorry, but something went wrong (500)</title>
            <style>body { color: red; }</style></head>
            <body><h1>Oops</h1></body></html>
            """, "text/html"));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.GetMeAsync(h.Credential, ClientHarness.CompanyId));

        Assert.Equal(ProcoreErrorKind.ServerError, ex.Kind);
        Assert.Equal("We're sorry, but something went wrong (500)", ex.ProcoreMessage);
        Assert.DoesNotContain("<", ex.Message);
    }

    [Theory]
    [InlineData(401, """{"error":"invalid_client","error_description":"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}""", ProcoreErrorKind.InvalidClient, "invalid_client")]
    [InlineData(400, """{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}""", ProcoreErrorKind.TokenRequestRejected, "invalid_grant")]
    [InlineData(400, """{"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported by the authorization server."}""", ProcoreErrorKind.TokenRequestRejected, "unsupported_grant_type")]
    [InlineData(401, "", ProcoreErrorKind.InvalidClient, null)]
    public async Task Error_TokenEndpointBodies_Classified(int status, string body, ProcoreErrorKind kind, string? code)
    {
        using var h = new ClientHarness();
        h.Stub.OnToken = (_, _) => Task.FromResult(StubProcore.Json((HttpStatusCode)status, body));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.AcquireTokenAsync(h.Credential));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Single(h.Stub.TokenRequests);
    }

    [Fact]
    public async Task Error_TokenEndpointHtml500_ServerErrorNotRetried()
    {
        using var h = new ClientHarness();
        h.Stub.OnToken = (_, _) => Task.FromResult(StubProcore.Text(HttpStatusCode.InternalServerError,
            "<html><body><h1>Internal Server Error</h1></body></html>", "text/html"));

        var ex = await Assert.ThrowsAsync<ProcoreApiException>(() => h.Client.AcquireTokenAsync(h.Credential));

        Assert.Equal(ProcoreErrorKind.ServerError, ex.Kind);
        Assert.Equal("Internal Server Error", ex.ProcoreMessage);
        Assert.Single(h.Stub.TokenRequests);
    }

    [Theory]
    [InlineData("""{"errors":["App is not connected to this company."]}""", "App is not connected to this company.", null)]
    [InlineData("""{"errors":"Forbidden"}""", "Forbidden", null)]
    [InlineData("""{"errors":{"name":["can't be blank","is too short"]}}""", "name: can't be blank; is too short", null)]
    [InlineData("""{"message":"Validation failed"}""", "Validation failed", null)]
    [InlineData("""{"error":"invalid_token","error_description":"The access token expired"}""", "The access token expired", "invalid_token")]
    [InlineData("""{"error":"something broke"}""", "something broke", "something broke")]
    [InlineData("""{"error":{"error":"You have surpassed the max number of requests"}}""", "You have surpassed the max number of requests", null)]
    [InlineData("""{"error":{"code":"BAD_REQUEST","message":"Bad Request","details":[{"reason_code":"INVALID_PROPERTY","message":"name is invalid"}]}}""", "Bad Request: name is invalid", "BAD_REQUEST")]
    [InlineData("""{"base":["Project is locked"],"fields":{}}""", "Project is locked", null)]
    [InlineData("\"plain json string\"", "plain json string", null)]
    [InlineData("You have surpassed the max number of requests for an hour.", "You have surpassed the max number of requests for an hour.", null)]
    [InlineData("{not json", "{not json", null)]
    [InlineData("", null, null)]
    public void ErrorParser_LenientShapes(string body, string? message, string? code)
    {
        var parsed = ProcoreErrorParser.Parse(body, "application/json", null);

        Assert.Equal(message, parsed.Message);
        Assert.Equal(code, parsed.ErrorCode);
    }

    [Fact]
    public void ErrorParser_WwwAuthenticateUsedWhenBodyEmpty()
    {
        var parsed = ProcoreErrorParser.Parse("", null,
            "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token was revoked\"");

        Assert.Equal("The access token was revoked", parsed.Message);
        Assert.Equal("invalid_token", parsed.ErrorCode);
    }

    [Fact]
    public void ErrorParser_LongBodyTruncated()
    {
        var parsed = ProcoreErrorParser.Parse(new string('x', 5000), "text/plain", null);

        Assert.True(parsed.Message!.Length <= 501);
    }

    [Theory]
    [InlineData(ProcoreErrorKind.MissingCompanyHeader, "Procore-Company-Id")]
    [InlineData(ProcoreErrorKind.AppNotConnected, "not installed")]
    [InlineData(ProcoreErrorKind.InvalidClient, "client secret")]
    [InlineData(ProcoreErrorKind.TokenExpired, "expired")]
    [InlineData(ProcoreErrorKind.RateLimited, "rate limit")]
    public void Explainer_KnownCases_PlainLanguage(ProcoreErrorKind kind, string expected)
    {
        Assert.Contains(expected, ProcoreErrorExplainer.Explain(kind));
    }

    [Fact]
    public void Explainer_EveryKindHasAnExplanation()
    {
        var texts = Enum.GetValues<ProcoreErrorKind>().Select(ProcoreErrorExplainer.Explain).ToList();

        Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t)));
        Assert.Equal(texts.Count - 1, texts.Skip(1).Distinct().Count()); // every kind but Unknown has its own text
    }
}

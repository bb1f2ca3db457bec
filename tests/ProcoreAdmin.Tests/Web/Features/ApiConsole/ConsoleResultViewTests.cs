using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.ProcoreClient;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.ApiConsole;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.ApiConsole;

public sealed class ConsoleResultViewTests : MudComponentTest
{
    private static readonly Uri Url = new("https://api.procore.com/rest/v1.0/me");

    private static ConsoleResult Result(int status, string body, ProcoreErrorKind? kind = null, bool headerSent = true) => new()
    {
        Request = new ConsoleRequest(7, 5_000_000_001, ConsoleEndpoint.Me, headerSent),
        RequestUrl = Url,
        Response = new ProcoreRawResponse
        {
            StatusCode = status,
            ReasonPhrase = "Reason",
            Method = "GET",
            RequestUrl = Url,
            RequestHeaders = [new("Authorization", "Bearer [redacted]"), new("Procore-Company-Id", "5000000001")],
            ResponseHeaders =
            [
                new("Content-Type", "application/json"), new("X-Rate-Limit-Limit", "25"), new("X-Rate-Limit-Remaining", "24"),
                new("X-Rate-Limit-Reset", "1767000000"), new("X-Request-Id", "req-123"),
            ],
            Body = body,
            RoundTripTime = TimeSpan.FromMilliseconds(42),
            TokenAcquisitionTime = TimeSpan.FromMilliseconds(7),
            CompanyHeaderSent = headerSent,
        },
        ErrorKind = kind,
        Explanation = kind is { } k ? ConsoleExplanations.Explain(k) : null,
        ProcoreMessage = kind is null ? null : ConsoleExplanations.Message(body),
        RequestId = "req-123",
        Curl = CurlCommand.Build(new Uri("https://login.procore.com/"), Url, 5_000_000_001, headerSent),
    };

    [Fact]
    public void ConsoleHistory_RowOfAMonthlySandboxCall_SaysSo_AndAProductionRowSaysOwnEnvironment()
    {
        ConsoleHistoryEntry Entry(long id, CredentialTarget target) => new(id, new DateTime(2026, 11, 30, 7, 0, 0, DateTimeKind.Utc),
            "Otto", true, 7, "Demo", 5_000_000_001, "GET", "/rest/v1.0/me", true, 200, null, "req", 42, 7, target);
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        Context.Services.AddScoped<BrowserTimeZone>();

        var cut = Context.Render<ConsoleHistory>(p => p.Add(c => c.History,
            [Entry(2, CredentialTarget.MonthlySandbox), Entry(1, CredentialTarget.Primary)]));

        Assert.Equal(["Monthly sandbox", "Own environment"], cut.FindAll("[data-testid=history-environment]").Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public void ResultView_Success_ShowsStatusTimingsPrettyAndRawBodyAndHighlightsRateLimitHeaders()
    {
        var cut = Context.Render<ConsoleResultView>(p => p.Add(x => x.Result, Result(200, "{\"id\":9000000001,\"login\":\"svc@x\"}")));

        Assert.Equal("200", cut.Find("[data-testid=result-status]").GetAttribute("data-status"));
        Assert.Contains("42 ms", cut.Find("[data-testid=result-roundtrip]").TextContent, StringComparison.Ordinal);
        Assert.Contains("7 ms", cut.Find("[data-testid=result-token]").TextContent, StringComparison.Ordinal);
        Assert.Equal("req-123", cut.Find("[data-testid=result-request-id]").TextContent);
        Assert.Contains("\n  \"id\": 9000000001", cut.Find("[data-testid=body-pretty]").TextContent, StringComparison.Ordinal);
        Assert.Equal("{\"id\":9000000001,\"login\":\"svc@x\"}", cut.Find("[data-testid=body-raw]").TextContent);
        var highlighted = cut.FindAll("[data-testid=response-header][data-highlight=rate-limit] th").Select(th => th.TextContent).ToList();
        Assert.Equal(["X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"], highlighted);
        Assert.Single(cut.FindAll("[data-testid=response-header][data-highlight=request-id]"));
        Assert.Single(cut.FindAll("[data-testid=response-header][data-highlight=none]"));
        Assert.Empty(cut.FindAll("[data-testid=result-explanation]"));
    }

    [Theory]
    [InlineData(404, "Missing Procore-Company-Id header! Send the header.", ProcoreErrorKind.MissingCompanyHeader, "Procore-Company-Id header on every call")]
    [InlineData(403, "{\"errors\":[\"App is not connected to this company.\"]}", ProcoreErrorKind.AppNotConnected, "not installed in this Procore company")]
    [InlineData(401, "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}", ProcoreErrorKind.InvalidClient, "rejected the client id or client secret")]
    [InlineData(429, "You have surpassed the max number of requests for an hour. Please wait until your limit resets.", ProcoreErrorKind.RateLimited, "rate limit")]
    public void ResultView_KnownError_ExplainsItInPlainLanguage(int status, string body, ProcoreErrorKind kind, string expected)
    {
        Assert.Equal(kind, ConsoleExplanations.Classify(status, body));

        var cut = Context.Render<ConsoleResultView>(p => p.Add(x => x.Result, Result(status, body, kind)));

        var explanation = cut.Find("[data-testid=result-explanation]");
        Assert.Equal(kind.ToString(), explanation.GetAttribute("data-kind"));
        Assert.Contains(expected, explanation.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultView_CurlText_HasUrlAndCompanyHeaderButNoSecretOrToken()
    {
        var cut = Context.Render<ConsoleResultView>(p => p.Add(x => x.Result, Result(200, "{}")));

        var curl = cut.Find("[data-testid=curl]").TextContent;
        Assert.Contains("'https://api.procore.com/rest/v1.0/me'", curl, StringComparison.Ordinal);
        Assert.Contains("'https://login.procore.com/oauth/token'", curl, StringComparison.Ordinal);
        Assert.Contains("Procore-Company-Id: 5000000001", curl, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer $PROCORE_TOKEN", curl, StringComparison.Ordinal);
        Assert.Contains("client_secret=$CLIENT_SECRET", curl, StringComparison.Ordinal);
        Assert.DoesNotContain("[redacted]", curl, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultView_CallWithoutHeader_CurlOmitsTheHeaderAsRun()
    {
        var cut = Context.Render<ConsoleResultView>(p => p.Add(x => x.Result, Result(404, "Missing Procore-Company-Id header!", ProcoreErrorKind.MissingCompanyHeader, headerSent: false)));

        Assert.DoesNotContain("-H 'Procore-Company-Id", cut.Find("[data-testid=curl]").TextContent, StringComparison.Ordinal);
        Assert.Contains("omitted", cut.Find("[data-testid=result-header-sent]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultView_CopyAsCurl_HandsTheCurlTextToTheClipboardHelper()
    {
        var copy = Context.JSInterop.Setup<bool>("procoreAdmin.copyText", _ => true);
        copy.SetResult(true);
        var result = Result(200, "{}");
        var cut = Context.Render<ConsoleResultView>(p => p.Add(x => x.Result, result));

        cut.Find("#copy-curl").Click();

        Assert.Equal(result.Curl, Assert.Single(copy.Invocations).Arguments[0]);
        Assert.Contains("Copied", cut.Find("#copy-curl").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, "{\"id\": 1", ProcoreErrorKind.MalformedResponse)]
    [InlineData(500, "<html><body>Internal Server Error</body></html>", ProcoreErrorKind.ServerError)]
    [InlineData(503, "<html>busy</html>", ProcoreErrorKind.ServerError)]
    [InlineData(200, "[]", null)]
    public void Classify_OtherAnswers_AreSortedIntoKinds(int status, string body, ProcoreErrorKind? expected) =>
        Assert.Equal(expected, ConsoleExplanations.Classify(status, body));
}

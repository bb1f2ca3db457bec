namespace ProcoreAdmin.Web.Hosting;

/// <summary>Security headers on every response, and no server banner.</summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    private static readonly PathString BlazorHubPath = "/_blazor";

    /// <summary>True when the request has no Origin header, or one naming this app's own host (and an http(s) scheme).</summary>
    public static bool IsSameOrigin(HttpRequest request)
    {
        if (!request.Headers.TryGetValue("Origin", out var values))
        {
            return true;
        }

        var origin = values.ToString();
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
               && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
               && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
               && uri.AbsolutePath == "/";
    }

    public static WebApplicationBuilder AddHardening(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        if (!builder.Environment.IsDevelopment())
        {
            builder.Services.AddHsts(o => { o.MaxAge = TimeSpan.FromDays(365); o.IncludeSubDomains = true; });
        }

        return builder;
    }

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            // The Blazor hub (SignalR) accepts connections only from this app's own pages: a page on another origin must not
            // open a circuit with the staff member's cookie (cross-site WebSocket hijacking). Requests without an Origin
            // (not from a browser page) still need the session cookie like everything else.
            if (context.Request.Path.StartsWithSegments(BlazorHubPath) && !IsSameOrigin(context.Request))
            {
                if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
                {
                    pages.Enabled = false; // a bare 403, not a re-executed page
                }

                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            }

            var headers = context.Response.Headers;
            // Blazor Server needs 'self' scripts and a WebSocket back to itself ('self' covers ws/wss to this host in
            // CSP Level 3 browsers); MudBlazor sets inline styles.
            // Forms may post to the identity provider only through redirects that the browser follows (sign-out).
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            context.Response.OnStarting(static state =>
            {
                // Every download (CSV/JSON exports, rotation evidence) stays out of browser and proxy caches.
                var response = (HttpResponse)state;
                if (response.Headers.ContentDisposition.Count > 0)
                {
                    response.Headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            }, context.Response);
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return next(context);
        });
        return app;
    }
}

using System.Text;
using System.Text.Encodings.Web;

namespace ProcoreAdmin.DevIdentity;

/// <summary>Renders the IdP's sign-in page: a plain HTML form (no script) plus a hint table of the seeded accounts.</summary>
internal static class LoginPage
{
    public const string WrongCredentialsMessage = "Unknown user or wrong password.";
    public const string ExpiredFormMessage = "The sign-in form expired. Please try again.";

    public static string Render(string antiforgeryFieldName, string antiforgeryToken, string? returnUrl, string? username, string? error)
    {
        var e = HtmlEncoder.Default;
        var html = new StringBuilder(4096);
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <link rel="icon" href="data:,">
            <title>Sign in - ProcoreAdmin development identity provider</title>
            <style>
            body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1f2933; margin: 0; }
            main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: .5rem; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
            h1 { font-size: 1.4rem; margin-top: 0; }
            .banner { background: #fff4e5; border: 1px solid #f0b35b; padding: .5rem .75rem; border-radius: .25rem; font-size: .9rem; }
            .error { background: #fdecea; border: 1px solid #e57373; padding: .5rem .75rem; border-radius: .25rem; }
            label { display: block; margin-top: 1rem; font-weight: 600; }
            input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
            button { margin-top: 1.25rem; padding: .6rem 1.2rem; font-size: 1rem; cursor: pointer; }
            table { border-collapse: collapse; margin-top: .5rem; font-size: .9rem; width: 100%; }
            th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e4e7eb; }
            code { font-size: .9rem; }
            </style>
            </head>
            <body>
            <main>
            <h1>Sign in to ProcoreAdmin</h1>
            <p class="banner">Development identity provider. Seeded test accounts only; it refuses to run outside Development.</p>

            """);

        if (error is not null)
        {
            html.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(e.Encode(error)).Append("</p>\n");
        }

        html.Append("<form method=\"post\" action=\"/account/login\">\n");
        html.Append("<input type=\"hidden\" name=\"").Append(e.Encode(antiforgeryFieldName))
            .Append("\" value=\"").Append(e.Encode(antiforgeryToken)).Append("\">\n");
        html.Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(e.Encode(returnUrl ?? string.Empty)).Append("\">\n");
        html.Append("<label for=\"username\">Username</label>\n");
        html.Append("<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus value=\"")
            .Append(e.Encode(username ?? string.Empty)).Append("\">\n");
        html.Append("<label for=\"password\">Password</label>\n");
        html.Append("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\n");
        html.Append("<button type=\"submit\" id=\"signin\">Sign in</button>\n");
        html.Append("</form>\n");

        html.Append("<h2 style=\"font-size:1rem;margin-top:2rem\">Seeded accounts (password <code>")
            .Append(e.Encode(DevIdentityUsers.Password)).Append("</code>)</h2>\n");
        html.Append("<table id=\"seeded-users\">\n<thead><tr><th>Username</th><th>Name</th><th>Groups</th></tr></thead>\n<tbody>\n");
        foreach (var user in DevIdentityUsers.All)
        {
            html.Append("<tr><td><code>").Append(e.Encode(user.Username)).Append("</code></td><td>")
                .Append(e.Encode(user.DisplayName)).Append("</td><td>")
                .Append(user.Groups.Count == 0 ? "<em>none</em>" : e.Encode(string.Join(", ", user.Groups)))
                .Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }
}

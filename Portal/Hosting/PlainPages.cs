using System.Net;

namespace Portal.Hosting;

/// <summary>
/// Answers written as plain HTML for requests that never reach a page (an endpoint refusing what it was sent), styled
/// like the sign-in pages. Nothing in them comes from the request unencoded.
/// </summary>
public static class PlainPages
{
    public static IResult BadRequest(string message) => Results.Content(Page("The request could not be used", message),
        "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    private static string Page(string title, string message) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1.0" />
        <title>{{WebUtility.HtmlEncode(title)}} · Portal</title><link rel="stylesheet" href="/app.css" /></head>
        <body>
        <div class="account-shell"><div class="account-card">
        <h1 class="account-title">{{WebUtility.HtmlEncode(title)}}</h1>
        <p>{{WebUtility.HtmlEncode(message)}}</p>
        <p><a href="/">Back to the dashboard</a></p>
        </div></div>
        </body>
        </html>
        """;
}

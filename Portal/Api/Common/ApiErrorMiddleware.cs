using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Portal.Api.Common;

/// <summary>
/// Makes every error the API answers a problem document, whoever produced it: a handler's refusal already is one; a
/// status set with no body (401 from authentication, 403, 404 for a route the API does not have, 405, 429, a 400 from
/// binding) gets one here; an unhandled exception becomes a 500 that says nothing of its cause (the log has it — by
/// type and stack only, see <see cref="LogFault"/>) and a malformed body a 400. The portal's HTML status pages never
/// answer an API client.
/// </summary>
public sealed partial class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException bad) when (!http.Response.HasStarted)
        {
            await WriteAsync(http, bad.StatusCode, bad.InnerException is JsonException
                ? "The request body is not valid JSON for this endpoint: " + Describe((JsonException)bad.InnerException)
                : "The request could not be read: " + bad.Message);
            return;
        }
        catch (Exception ex) when (!http.Response.HasStarted && ex is not OperationCanceledException)
        {
            // The exception's message may quote what a library saw (a connection string, a response body): it is
            // never sent, and logged by type and stack only.
            LogFault(log, ex.GetType().FullName!, http.Request.Method, http.Request.Path, ex.StackTrace ?? "");
            await WriteAsync(http, StatusCodes.Status500InternalServerError,
                "The portal could not complete the request. The fault has been logged; try again later.");
            return;
        }
        if (http.Response.StatusCode >= 400 && !http.Response.HasStarted && http.Response.ContentLength is null && http.Response.ContentType is null)
            await WriteAsync(http, http.Response.StatusCode, DefaultDetail(http.Response.StatusCode, http));
    }

    private static string Describe(JsonException json) =>
        json.Path is { Length: > 0 } path ? $"at {path}{(json.LineNumber is { } line ? $" (line {line + 1})" : "")}." : "it does not parse.";

    private static string DefaultDetail(int status, HttpContext http) => status switch
    {
        StatusCodes.Status401Unauthorized => http.Response.Headers.WWWAuthenticate.ToString() is { } challenge && challenge.Contains("error_description", StringComparison.Ordinal)
            ? "The bearer token was not accepted: " + challenge[(challenge.IndexOf("error_description=\"", StringComparison.Ordinal) + 19)..].TrimEnd('"')
            : "Send a personal access token or a service account token as 'Authorization: Bearer <token>'.",
        StatusCodes.Status403Forbidden => "The token does not allow this request.",
        StatusCodes.Status404NotFound => $"The API has no resource at {http.Request.Path}.",
        StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
        StatusCodes.Status429TooManyRequests => "Too many requests with this token. Wait for the time in Retry-After, then try again.",
        StatusCodes.Status415UnsupportedMediaType => "Send the request body as application/json.",
        StatusCodes.Status400BadRequest => "The request could not be read. Check its parameters and body against the API reference.",
        _ => "The request could not be completed.",
    };

    private static Task WriteAsync(HttpContext http, int status, string detail)
    {
        http.Response.StatusCode = status;
        var problem = ApiProblems.Details(status, ApiProblems.CodeOf(status), detail);
        problem.Instance = http.Request.Path;
        return http.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json");
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "API request {Method} {Path} failed with {ExceptionType}\n{StackTrace}")]
    private static partial void LogFault(ILogger logger, string exceptionType, string method, string path, string stackTrace);
}

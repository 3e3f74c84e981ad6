using System.Diagnostics;
using System.Security.Claims;

namespace Portal.Hosting;

/// <summary>
/// One structured log line per HTTP request: method, path (never the query string, which may carry
/// tokens), status, duration and the signed-in user's id. Static files and the circuit's own traffic are skipped.
/// </summary>
public sealed class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var path = context.Request.Path.Value ?? "";
            if (!IsNoise(path))
            {
                logger.LogInformation("HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms for {UserId}",
                    context.Request.Method, path, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous");
            }
        }
    }

    private static bool IsNoise(string path) =>
        path.StartsWith("/_content/", StringComparison.Ordinal) || path.StartsWith("/_framework/", StringComparison.Ordinal)
        || path.StartsWith("/_blazor", StringComparison.Ordinal) || path.EndsWith(".css", StringComparison.Ordinal)
        || path.EndsWith(".js", StringComparison.Ordinal) || path.EndsWith(".ico", StringComparison.Ordinal);
}

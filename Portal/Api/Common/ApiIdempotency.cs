using System.Security.Cryptography;
using System.Text;
using Portal.Domain.Api;
using Portal.Domain.Common;

namespace Portal.Api.Common;

/// <summary>
/// <c>Idempotency-Key</c> on the API's writes (POST, PUT, PATCH, DELETE). The first request with a key runs and its
/// answer (status, Location, ETag, body) is remembered for <see cref="Limits.IdempotencyWindow"/>; the same request with
/// the same key — a retry after a timeout — gets that answer again, marked <c>Idempotent-Replayed: true</c>, and nothing
/// is done twice. The same key on a different request is refused (422), and while the first is still running a
/// duplicate gets 409. Answers of 500 and above are not remembered, so a retry runs again. Keys belong to the caller
/// (the person or service account behind the token).
/// </summary>
public static class ApiIdempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The requests a key applies to.</summary>
    public static bool AppliesTo(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method);

    /// <summary>Lets the filter read a keyed write's body after binding did (registered on the API's branch).</summary>
    public static IApplicationBuilder UseApiRequestBuffering(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            if (AppliesTo(http.Request) && http.Request.Headers.ContainsKey(Header)) http.Request.EnableBuffering();
            return next(http);
        });

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!AppliesTo(http.Request) || !http.Request.Headers.TryGetValue(Header, out var values)) return await next(context);
        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > Limits.IdempotencyKeyMaxLength || key.Any(c => c is < '!' or > '~'))
            return ApiProblems.Invalid(Header, $"Idempotency-Key must be one value of 1 to {Limits.IdempotencyKeyMaxLength} visible ASCII characters, such as a UUID.");
        var actor = http.Actor();
        var store = http.RequestServices.GetRequiredService<IdempotencyStore>();
        var path = http.Request.Path + http.Request.QueryString;
        var claim = await store.ClaimAsync(actor.UserId, key, await HashAsync(http.Request, path), http.Request.Method, path, http.RequestAborted);
        switch (claim.Outcome)
        {
            case IdempotencyClaimOutcome.Mismatch:
                return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, ApiProblemCodes.IdempotencyKeyReused,
                    $"This Idempotency-Key was already used for another request ({claim.Record!.Method} {claim.Record.Path}, or a different body). Use a new key for a new request.",
                    Header);
            case IdempotencyClaimOutcome.InProgress:
                http.Response.Headers.RetryAfter = "1";
                return ApiProblems.Problem(StatusCodes.Status409Conflict, ApiProblemCodes.IdempotencyKeyInUse,
                    "The first request with this Idempotency-Key is still running. Retry shortly to get its answer.", Header);
            case IdempotencyClaimOutcome.Replay:
                return new ReplayResult(claim.Record!);
        }

        var recordId = claim.Record!.Id;
        try
        {
            var result = await next(context);
            var captured = await CaptureAsync(http, result);
            if (captured.Status >= 500 || captured.Body.Length > Limits.IdempotencyMaxResponseBytes)
                await store.ReleaseAsync(recordId, CancellationToken.None);
            else
                await store.CompleteAsync(recordId, captured.Status, http.Response.ContentType, http.Response.Headers.Location, http.Response.Headers.ETag,
                    captured.Body, CancellationToken.None);
            return Results.Empty;
        }
        catch
        {
            await store.ReleaseAsync(recordId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Runs the handler's result into a buffer, sends it on, and returns what was sent.</summary>
    private static async Task<(int Status, byte[] Body)> CaptureAsync(HttpContext http, object? result)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            var executable = result as IResult ?? (result is null ? Results.Empty : Results.Json(result));
            await executable.ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        var body = buffer.ToArray();
        http.Response.ContentLength = body.Length;
        await original.WriteAsync(body, http.RequestAborted);
        return (http.Response.StatusCode, body);
    }

    private static async Task<string> HashAsync(HttpRequest request, string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {path}\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
                hash.AppendData(chunk, 0, read);
            request.Body.Position = 0;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private sealed class ReplayResult(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = record.StatusCode;
            http.Response.Headers[ReplayedHeader] = "true";
            if (record.ContentType is { } type) http.Response.ContentType = type;
            if (record.Location is { Length: > 0 } location) http.Response.Headers.Location = location;
            if (record.ETag is { Length: > 0 } etag) http.Response.Headers.ETag = etag;
            var body = record.Body ?? [];
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
    }
}

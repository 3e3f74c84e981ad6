using Microsoft.AspNetCore.Mvc;
using Portal.Domain.Common;

namespace Portal.Api.Common;

/// <summary>
/// The API's errors as RFC 9457 problem details (<c>application/problem+json</c>). Every problem carries a stable
/// machine-readable <c>code</c> (one per kind of refusal, listed in <see cref="ApiProblemCodes"/>) and, when the refusal
/// is about one input, the <c>field</c> it concerns — the same typed keys the pages use (<see cref="FieldKey"/>). The
/// <c>detail</c> is the sentence a person reads on the page.
/// </summary>
public static class ApiProblems
{
    /// <summary>Where problem types are described; <c>type</c> is this plus the code.</summary>
    public const string TypeBase = "https://portal.invalid/problems/";

    /// <summary>The response for a domain refusal. <paramref name="preconditionGiven"/>: the client sent If-Match.</summary>
    public static IResult From(Refusal refusal, bool preconditionGiven = false)
    {
        var (status, code) = refusal.Kind switch
        {
            RefusalKind.Invalid => (StatusCodes.Status422UnprocessableEntity, ApiProblemCodes.Invalid),
            RefusalKind.NotFound => (StatusCodes.Status404NotFound, ApiProblemCodes.NotFound),
            RefusalKind.Conflict => (StatusCodes.Status409Conflict, ApiProblemCodes.Conflict),
            RefusalKind.Forbidden => (StatusCodes.Status403Forbidden, ApiProblemCodes.Forbidden),
            // With If-Match the client stated what it expected: RFC 9110 says 412. Without it, the change raced another.
            RefusalKind.Concurrency => preconditionGiven
                ? (StatusCodes.Status412PreconditionFailed, ApiProblemCodes.PreconditionFailed)
                : (StatusCodes.Status409Conflict, ApiProblemCodes.EditConflict),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Kind, "Unknown refusal kind."),
        };
        return Problem(status, code, refusal.Message, refusal.Field?.Code);
    }

    /// <summary>A problem the API itself raises (a malformed page token, a reused idempotency key...).</summary>
    public static IResult Problem(int status, string code, string detail, string? field = null) =>
        TypedResults.Problem(Details(status, code, detail, field));

    public static ProblemDetails Details(int status, string code, string detail, string? field = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypeBase + code,
            Title = ApiProblemCodes.Titles.GetValueOrDefault(code, "Request refused"),
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (field is not null) problem.Extensions["field"] = field;
        return problem;
    }

    /// <summary>422 naming the field: for input the API reads itself (query parameters, headers).</summary>
    public static IResult Invalid(string field, string detail) =>
        Problem(StatusCodes.Status422UnprocessableEntity, ApiProblemCodes.Invalid, detail, field);

    /// <summary>The code of a status the API's middleware answers without a handler's own problem.</summary>
    internal static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType or StatusCodes.Status413PayloadTooLarge => ApiProblemCodes.MalformedRequest,
        StatusCodes.Status401Unauthorized => ApiProblemCodes.Unauthorized,
        StatusCodes.Status403Forbidden => ApiProblemCodes.Forbidden,
        StatusCodes.Status404NotFound => ApiProblemCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ApiProblemCodes.MethodNotAllowed,
        StatusCodes.Status429TooManyRequests => ApiProblemCodes.RateLimited,
        _ => ApiProblemCodes.ServerError,
    };
}

/// <summary>The stable codes of <c>application/problem+json</c> responses. Part of the API's contract: never renamed.</summary>
public static class ApiProblemCodes
{
    public const string Invalid = "invalid";
    public const string NotFound = "not-found";
    public const string Conflict = "conflict";
    public const string Forbidden = "forbidden";
    public const string PreconditionFailed = "precondition-failed";
    public const string EditConflict = "edit-conflict";
    public const string MalformedRequest = "malformed-request";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string Unauthorized = "unauthorized";
    public const string RateLimited = "rate-limited";
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    public const string IdempotencyKeyInUse = "idempotency-key-in-use";
    public const string ServerError = "server-error";

    public static readonly IReadOnlyDictionary<string, string> Titles = new Dictionary<string, string>
    {
        [Invalid] = "The request breaks a rule",
        [NotFound] = "Not found",
        [Conflict] = "Conflicts with the current state",
        [Forbidden] = "Not allowed",
        [PreconditionFailed] = "Changed since you read it",
        [EditConflict] = "Changed by someone else meanwhile",
        [MalformedRequest] = "Malformed request",
        [MethodNotAllowed] = "Method not allowed",
        [Unauthorized] = "Not authenticated",
        [RateLimited] = "Too many requests",
        [IdempotencyKeyReused] = "Idempotency key used for another request",
        [IdempotencyKeyInUse] = "A request with this idempotency key is in progress",
        [ServerError] = "Server error",
    };
}

/// <summary>Which requests are the API's.</summary>
public static class ApiPaths
{
    public const string Root = "/api/v1";

    public static bool IsApi(PathString path) => path.StartsWithSegments(Root, StringComparison.OrdinalIgnoreCase);
}

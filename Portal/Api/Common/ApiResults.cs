using Portal.Domain.Common;

namespace Portal.Api.Common;

/// <summary>The answer to a request that started work: where to follow it.</summary>
/// <param name="OperationId">The operation doing the work.</param>
/// <param name="OperationUrl">Where its state, steps and error are (also the response's Location).</param>
/// <param name="ResourceId">The resource the work is on.</param>
/// <param name="ResourceUrl">Where that resource is.</param>
public sealed record AcceptedOperation(Guid OperationId, string OperationUrl, Guid ResourceId, string ResourceUrl);

/// <summary>Shapes shared by every endpoint: the caller, started work, refusals.</summary>
public static class ApiResults
{
    /// <summary>The actor the request's token authenticated (the group's policy guarantees one).</summary>
    public static Actor Actor(this HttpContext http) =>
        ApiTokenIdentity.ActorOf(http.User) ?? throw new InvalidOperationException("An API endpoint ran without an API token's actor.");

    public static string OperationUrl(Guid operationId) => $"{ApiPaths.Root}/operations/{operationId}";

    /// <summary>202 Accepted with the operation's Location.</summary>
    public static IResult Accepted(Guid operationId, Guid resourceId, string resourceUrl) =>
        TypedResults.Accepted(OperationUrl(operationId), new AcceptedOperation(operationId, OperationUrl(operationId), resourceId, resourceUrl));

    /// <summary>The value's response, or the refusal's problem (412 for a concurrency refusal when If-Match was sent).</summary>
    public static IResult Answer<T>(HttpContext http, Result<T> result, Func<T, IResult> ok) =>
        result.Succeeded ? ok(result.Value!) : ApiProblems.From(result.Refusal!, http.HasIfMatch());

    public static IResult Answer(HttpContext http, Result result, Func<IResult> ok) =>
        result.Succeeded ? ok() : ApiProblems.From(result.Refusal!, http.HasIfMatch());
}

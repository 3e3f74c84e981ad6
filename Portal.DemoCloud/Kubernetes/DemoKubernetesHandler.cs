using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// Answers Kubernetes API requests for the demo clusters in process, with the status codes and JSON shapes of a real
/// API server (Status bodies for errors, APIResourceList discovery, lists with continue tokens). The request's host
/// picks the cluster; an unknown host fails like a DNS lookup. Every request needs the demo bearer token.
/// </summary>
public sealed class DemoKubernetesHandler(DemoKubernetesApi api) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        api.CountRequest();
        if (api.Options.Latency > TimeSpan.Zero)
            await Task.Delay(api.Options.Latency, cancellationToken).ConfigureAwait(false);
        var url = request.RequestUri ?? throw new InvalidOperationException("The request has no URL.");
        if (api.FindCluster(url.Host) is not { } cluster)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError,
                $"The demo Kubernetes API has no cluster at {url.Host}.");
        }

        var query = Query(url);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        DemoApiResponse answer;
        if (api.TakeRejection() is { } rejection)
        {
            var code = (int)rejection.Status;
            answer = new DemoApiResponse(code, DemoKubeJson.Status(code, ReasonOf(rejection.Status),
                rejection.Message ?? $"the demo Kubernetes API was told to refuse this request ({code})"));
        }
        else if (!Authorized(request.Headers.Authorization))
        {
            answer = new DemoApiResponse(401, DemoKubeJson.Status(401, "Unauthorized", "Unauthorized"));
        }
        else if (query.GetValueOrDefault("watch") is "true" or "1")
        {
            return cluster.Watch(request, url.AbsolutePath, query);
        }
        else
        {
            answer = cluster.Handle(request.Method, url.AbsolutePath, query, request.Content?.Headers.ContentType?.MediaType, body);
        }

        var response = new HttpResponseMessage((HttpStatusCode)answer.Status)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(answer.Body.ToJsonString())),
            RequestMessage = request,
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        response.Headers.TryAddWithoutValidation("Audit-Id", Guid.NewGuid().ToString("D"));
        if (answer.Status == 429)
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        return response;
    }

    private static bool Authorized(AuthenticationHeaderValue? header) =>
        header is { Scheme: var scheme, Parameter: var token } && string.Equals(scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
        && token == DemoKubernetesApi.Token;

    private static Dictionary<string, string> Query(Uri url)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            query[key] = value;
        }
        return query;
    }

    private static string ReasonOf(HttpStatusCode status) => (int)status switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };
}

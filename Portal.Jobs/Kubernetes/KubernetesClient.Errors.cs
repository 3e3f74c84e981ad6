using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Portal.Jobs.Http;

using static Portal.Jobs.Http.RemoteText;

namespace Portal.Jobs.Kubernetes;

public sealed partial class KubernetesClient
{
    /// <summary>An HTTP answer that was not a success, as far as the library lets it be seen.</summary>
    private sealed record RawResponse(int Status, string? ReasonPhrase, string Body, Uri? Location, int Attempts);

    /// <summary>
    /// Runs one library call and turns every way it can fail into a <see cref="RemoteError"/>: an error status (from the
    /// library's <see cref="HttpOperationException"/>, read for status, body and Location only), an answer that is not
    /// the JSON expected, a timeout, a transport fault. Only the caller's cancellation throws, as a fresh
    /// <see cref="OperationCanceledException"/>: the library's exceptions hold the request with its bearer token and
    /// body, so none of them is logged, wrapped or rethrown. Retries happen inside, in the resilience handler.
    /// </summary>
    private async Task<RemoteResult<T>> InvokeAsync<T>(Call call, string path, Func<CancellationToken, Task<T>> send, CancellationToken ct)
    {
        var note = KubeCallNote.Begin();
        try
        {
            var value = await send(ct).ConfigureAwait(false);
            return value is null ? Malformed(call, path, "its answer is empty") : RemoteResult<T>.Success(value);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (Exception ex)
        {
            return Failure(ex, call, path, note);
        }
    }

    /// <summary>The typed error for a failed library call; reads the exception's status, body and Location only.</summary>
    private RemoteError Failure(Exception ex, Call call, string path, KubeCallNote note) => ex switch
    {
        HttpOperationException answer => MapStatus(call, path, Raw(answer, note)),
        // A watch's ERROR event (e.g. 410 Expired) arrives as the Status the server sent.
        k8s.KubernetesException { Status: { } status } => MapStatus(call, path, new RawResponse(status.Code ?? 500, null,
            new JsonObject { ["message"] = status.Message, ["reason"] = status.Reason }.ToJsonString(), null, 1)),
        JsonException => Malformed(call, path, NotJson(note)),
        OperationCanceledException or TimeoutRejectedException or TimeoutException => TimeoutError(call, Math.Max(1, note.Attempts)),
        HttpRequestException http => Classify(http, call, Math.Max(1, note.Attempts)),
        IOException => Classify(new HttpRequestException(HttpRequestError.Unknown, "The connection broke.", ex), call, Math.Max(1, note.Attempts)),
        // Anything else is a fault inside the client library; its message may quote the request, so only its type is named.
        _ => new RemoteError(RemoteErrorKind.Unexpected,
            $"Portal's Kubernetes client failed when asked to {call.What} at {Authority} ({ex.GetType().Name}). Try again; if it persists, report it."),
    };

    private static RawResponse Raw(HttpOperationException ex, KubeCallNote note)
    {
        var response = ex.Response;
        Uri? location = null;
        if (response?.Headers is { } headers && headers.TryGetValue("Location", out var values)
            && Uri.TryCreate(values.FirstOrDefault(), UriKind.Absolute, out var parsed))
        {
            location = parsed;
        }
        return new RawResponse((int)(response?.StatusCode ?? 0), response?.ReasonPhrase, response?.Content ?? string.Empty, location,
            Math.Max(1, note.Attempts));
    }

    private static string NotJson(KubeCallNote note)
    {
        if (note.MediaType is { } media && !media.Contains("json", StringComparison.OrdinalIgnoreCase))
            return $"its answer is {media}, not JSON; check that the server address points at the Kubernetes API itself";
        return note.ContentLength == 0 ? "its answer is empty" : "its answer is not valid JSON";
    }

    // ---- Failures without an answer ------------------------------------------------------------------------

    private RemoteError TimeoutError(Call call, int attempts) =>
        new(RemoteErrorKind.Timeout,
            $"The API server at {Authority} did not answer within {Seconds(_options.RequestTimeout)}{Tries(attempts)} when asked to {call.What}. " +
            "The server may be overloaded, or a firewall may be silently dropping traffic to this address.");

    private RemoteError Classify(HttpRequestException ex, Call call, int attempts)
    {
        var url = _connection.Server;
        var host = url.Host;
        var authority = url.Authority;
        var socket = ResilientHttpHandler.Find<SocketException>(ex);
        if (ResilientHttpHandler.Find<TimeoutException>(ex) is not null || socket?.SocketErrorCode == SocketError.TimedOut)
            return TimeoutError(call, attempts);

        switch (ex.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                return Unreachable($"Could not reach the API server: the host name \"{host}\" could not be resolved (DNS lookup failed). " +
                                    "Check the server address in the kubeconfig and that this server's DNS can resolve the name.");
            case HttpRequestError.SecureConnectionError:
                return TlsError(url, ex);
            case HttpRequestError.ConfigurationLimitExceeded:
                return new RemoteError(RemoteErrorKind.Malformed,
                    $"The API server's answer when asked to {call.What} is larger than the {_options.MaxResponseBytes / (1024 * 1024)} MB Portal accepts.");
            case HttpRequestError.InvalidResponse:
            case HttpRequestError.HttpProtocolError:
                return new RemoteError(RemoteErrorKind.Malformed,
                    $"{authority} answered with something that is not valid HTTP. If the API server uses TLS (it almost always does), " +
                    "the server address must start with https://.");
            case HttpRequestError.ResponseEnded:
                return Unreachable($"The API server at {authority} closed the connection before answering when asked to {call.What}{Tries(attempts)}. " +
                                    "If the server address uses http://, check whether the server expects https://.");
        }

        if (ResilientHttpHandler.Find<AuthenticationException>(ex) is not null)
            return TlsError(url, ex);

        switch (socket?.SocketErrorCode)
        {
            case SocketError.ConnectionRefused:
                return Unreachable($"Could not reach the API server: nothing accepted a connection at {authority} (connection refused). " +
                                    "Check the server address and port (usually 6443), that the cluster is running, and that a firewall allows this server to reach it.");
            case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                return Unreachable($"Could not reach the API server: the host name \"{host}\" could not be resolved (DNS lookup failed). " +
                                    "Check the server address in the kubeconfig and that this server's DNS can resolve the name.");
            case SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown:
                return Unreachable($"Could not reach the API server at {authority}: there is no network route to the host. Check the address and this server's network access.");
            case SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown:
                return Unreachable($"The API server at {authority} reset the connection when asked to {call.What}{Tries(attempts)}.");
        }

        if (ResilientHttpHandler.Find<IOException>(ex) is not null)
            return Unreachable($"The connection to the API server at {authority} broke when asked to {call.What}{Tries(attempts)}.");
        return Unreachable($"Could not reach the API server at {authority} to {call.What}. Check the server address and this server's network access.");

        static RemoteError Unreachable(string message) => new(RemoteErrorKind.Unreachable, message);
    }

    private RemoteError TlsError(Uri url, HttpRequestException ex)
    {
        var reason = _tls?.LastRejection(url.Host);
        string hint;
        if (!string.IsNullOrWhiteSpace(_connection.CertificateAuthorityPem))
        {
            hint = "Check that the kubeconfig's certificate-authority-data is the CA that issued the API server's certificate, and that " +
                   "the server address (or tls-server-name) is a name the certificate carries.";
        }
        else
        {
            hint = "If the cluster uses its own certificate authority (most do), the kubeconfig needs its certificate-authority-data; " +
                   "also check that the server address is a name the certificate carries.";
        }
        if (reason is null && _connection.Credential.HasClientCertificate)
            hint += " The server may also have refused the client certificate.";
        var plain = url.Scheme == Uri.UriSchemeHttps && reason is null && ResilientHttpHandler.Find<AuthenticationException>(ex) is null
            ? " If the server does not use TLS at all, the address must start with http://."
            : string.Empty;
        return new RemoteError(RemoteErrorKind.TlsFailure,
            $"The secure (TLS) connection to the API server at {url.Authority} failed{(reason is null ? string.Empty : $": {reason}")}. {hint}{plain}");
    }

    // ---- Failures with an answer ----------------------------------------------------------------------------

    private RemoteError MapStatus(Call call, string path, RawResponse raw)
    {
        var status = raw.Status;
        var (said, reason) = ServerSays(raw);
        var code = $"{status} {raw.ReasonPhrase ?? ((HttpStatusCode)status).ToString()}".Trim();
        var quoted = said is null ? string.Empty : $" The API server said: \"{said}\"";
        var error = status switch
        {
            401 => new RemoteError(RemoteErrorKind.Unauthorized,
                $"The API server at {Authority} rejected the credentials ({code}) when asked to {call.What}. {CredentialHint()}"),
            403 => new RemoteError(RemoteErrorKind.Forbidden,
                $"The API server refused to {call.What} ({code}): the kubeconfig's user lacks the permission (RBAC) for it.{quoted}"),
            404 => new RemoteError(RemoteErrorKind.NotFound, NotFoundMessage(call, code, said)),
            409 => new RemoteError(RemoteErrorKind.Conflict, $"Could not {call.What}: conflict ({code}).{quoted}"),
            410 => new RemoteError(RemoteErrorKind.Conflict, $"Could not {call.What}: the list changed too much while it was read ({code}); try again.{quoted}"),
            422 => new RemoteError(RemoteErrorKind.Invalid, $"The API server refused to {call.What}: {said ?? "the object is invalid"} ({code})."),
            400 => new RemoteError(RemoteErrorKind.Invalid, $"The API server refused the request to {call.What} as malformed ({code}).{quoted}"),
            405 => new RemoteError(RemoteErrorKind.Unexpected, $"The API server does not allow the request to {call.What} ({code}).{quoted}"),
            415 when call.IsApply => new RemoteError(RemoteErrorKind.Unexpected,
                $"The API server does not accept server-side apply ({code}); Portal needs Kubernetes 1.18 or later.{quoted}"),
            429 or >= 500 and <= 599 => new RemoteError(RemoteErrorKind.ServerError,
                $"The API server at {Authority} failed to {call.What} ({code}){Tries(raw.Attempts)}. It may be overloaded or unhealthy; try again later.{quoted}"),
            >= 300 and < 400 => new RemoteError(RemoteErrorKind.Unexpected,
                $"The server address redirects ({code}){(raw.Location is null ? string.Empty : $" to {raw.Location.GetLeftPart(UriPartial.Path)}")}; " +
                "use the address of the Kubernetes API itself (often https:// instead of http://)."),
            _ => new RemoteError(RemoteErrorKind.Unexpected, $"The API server answered {code} when asked to {call.What} ({PathOnly(path)}).{quoted}"),
        };
        return error with { StatusCode = status, Reason = reason };
    }

    private string NotFoundMessage(Call call, string code, string? said)
    {
        var hint = call.Type is { } type && _discovery.WasGuessed(_serverKey, type.ApiVersion)
            ? $" The cluster may not serve {type.ApiVersion} at all: is the custom resource definition for {type.Kind} installed?"
            : string.Empty;
        if (call.Target is { } target)
            return $"{target} does not exist ({code}).{hint}";
        return $"Nothing answers at that path when asked to {call.What} ({code}).{hint}{(said is null ? string.Empty : $" The API server said: \"{said}\"")}";
    }

    private string CredentialHint() => _connection.Credential.Kind switch
    {
        KubeAuthKind.BearerToken =>
            "The token may have expired or been revoked; get a new token (for a service account: kubectl create token) and update the kubeconfig.",
        KubeAuthKind.ClientCertificate or KubeAuthKind.ClientCertificateAndToken =>
            "The client certificate may have expired, or not be issued by this cluster's client CA; export a fresh kubeconfig.",
        _ => "Check the kubeconfig's credentials.",
    };

    /// <summary>The message and reason of a Kubernetes Status body (or a short plain-text body), with secrets masked.</summary>
    private (string? Message, string? Reason) ServerSays(RawResponse raw)
    {
        if (string.IsNullOrWhiteSpace(raw.Body))
            return (null, null);
        string? text = null;
        string? reason = null;
        try
        {
            if (JsonNode.Parse(raw.Body) is JsonObject status)
            {
                text = KubeJson.String(status, "message");
                reason = KubeJson.String(status, "reason");
            }
        }
        catch (JsonException)
        {
            if (raw.Body.Length <= 2048)
                text = WhitespaceRun().Replace(TagPattern().Replace(raw.Body, " "), " ").Trim();
        }
        if (string.IsNullOrWhiteSpace(text))
            return (null, reason);
        text = text.Trim();
        foreach (var secret in _secrets)
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        text = TokenLike().Replace(text, "***");
        if (text.Length > 600)
            text = text[..600] + "…";
        return (text, reason);
    }

    [LoggerMessage(EventId = 4203, Level = LogLevel.Debug, Message = "Kubernetes discovery of {GroupVersion} unavailable ({Status}); guessing the plural name")]
    private static partial void LogDiscoveryFallback(ILogger logger, string groupVersion, int status);
}

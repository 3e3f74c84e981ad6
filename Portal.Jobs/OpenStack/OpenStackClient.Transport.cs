using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Portal.Jobs.Http;

using static Portal.Jobs.Http.RemoteText;

namespace Portal.Jobs.OpenStack;

public sealed partial class OpenStackClient
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeHeaderValue ContentJson = new("application/json") { CharSet = "utf-8" };

    /// <summary>An HTTP answer, read in full within one attempt.</summary>
    private sealed record RawResponse(int Status, string? Reason, byte[] Body, string? MediaType, string? SubjectToken, Uri? Location, int Attempts)
    {
        public bool IsSuccess => Status is >= 200 and < 300;
    }

    /// <summary>
    /// Sends one request through the shared resilience pipeline (<see cref="ResilientHttpHandler"/>, set up by the
    /// factory): transient faults are retried there, a timeout only for reads (a write may have happened). Keystone
    /// token creation is safe to repeat. The last answer comes back as a <see cref="RawResponse"/> for the caller to map;
    /// a failure without an answer becomes the typed error here.
    /// </summary>
    private async Task<RemoteResult<RawResponse>> SendAsync(HttpMethod method, Uri url, byte[]? body, string? token, Call call, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(AcceptJson);
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        if (token is not null)
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        if (body is not null)
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = ContentJson } };
        request.Options.Set(ResilientHttpHandler.RetryTimeouts, method == HttpMethod.Get);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            return new RawResponse(
                (int)response.StatusCode,
                response.ReasonPhrase,
                bytes,
                response.Content.Headers.ContentType?.MediaType,
                response.Headers.TryGetValues("X-Subject-Token", out var subject) ? subject.FirstOrDefault() : null,
                response.Headers.Location,
                ResilientHttpHandler.AttemptsOf(request));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or OperationCanceledException)
        {
            return TimeoutError(call, url, ResilientHttpHandler.AttemptsOf(request));
        }
        catch (HttpRequestException ex)
        {
            return Classify(ex, call, url, ResilientHttpHandler.AttemptsOf(request));
        }
        catch (IOException ex)
        {
            return Classify(new HttpRequestException(HttpRequestError.Unknown, ex.Message, ex), call, url, ResilientHttpHandler.AttemptsOf(request));
        }
    }

    // ---- Failures without an answer ------------------------------------------------------------------------

    private RemoteError TimeoutError(Call call, Uri url, int attempts) =>
        Error(RemoteErrorKind.Timeout,
            $"{call.Label} did not answer the request to {call.What} within {Seconds(_options.RequestTimeout)}{Tries(attempts)} ({Where(url)}). " +
            "The service may be overloaded, or a firewall may be silently dropping traffic to this address.");

    private RemoteError Classify(HttpRequestException ex, Call call, Uri url, int attempts)
    {
        var host = url.Host;
        var authority = url.Authority;
        var socket = ResilientHttpHandler.Find<SocketException>(ex);
        if (ResilientHttpHandler.Find<TimeoutException>(ex) is not null || socket?.SocketErrorCode == SocketError.TimedOut)
            return TimeoutError(call, url, attempts);

        switch (ex.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                return Error(RemoteErrorKind.Unreachable,
                    $"Could not reach {call.Label}: the host name \"{host}\" could not be resolved (DNS lookup failed). " +
                    "Check the spelling of the URL and that this server's DNS can resolve the name.");
            case HttpRequestError.SecureConnectionError:
                return TlsError(call, url, ex);
            case HttpRequestError.ConfigurationLimitExceeded:
                return Error(RemoteErrorKind.Malformed,
                    $"{call.Label}'s answer to {call.What} is larger than the {_options.MaxResponseBytes / (1024 * 1024)} MB the portal accepts ({Where(url)}).");
            case HttpRequestError.InvalidResponse:
            case HttpRequestError.HttpProtocolError:
                return Error(RemoteErrorKind.Malformed,
                    $"{authority} answered with something that is not valid HTTP. If the service uses TLS, the URL must start with https://; " +
                    $"otherwise check that {Where(url)} is the {call.Label} API.");
            case HttpRequestError.ResponseEnded:
                return Error(RemoteErrorKind.Unreachable,
                    $"{call.Label} at {authority} closed the connection before answering the request to {call.What}{Tries(attempts)}. " +
                    "If the URL uses http://, check whether the service expects https://.");
        }

        if (ResilientHttpHandler.Find<AuthenticationException>(ex) is not null)
            return TlsError(call, url, ex);

        switch (socket?.SocketErrorCode)
        {
            case SocketError.ConnectionRefused:
                return Error(RemoteErrorKind.Unreachable,
                    $"Could not reach {call.Label}: nothing accepted a connection at {authority} (connection refused). " +
                    "Check the URL's host and port, that the service is running, and that a firewall allows this server to reach it.");
            case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                return Error(RemoteErrorKind.Unreachable,
                    $"Could not reach {call.Label}: the host name \"{host}\" could not be resolved (DNS lookup failed). " +
                    "Check the spelling of the URL and that this server's DNS can resolve the name.");
            case SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown:
                return Error(RemoteErrorKind.Unreachable,
                    $"Could not reach {call.Label} at {authority}: there is no network route to the host. Check the address and this server's network access.");
            case SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown:
                return Error(RemoteErrorKind.Unreachable,
                    $"{call.Label} at {authority} reset the connection during the request to {call.What}{Tries(attempts)}.");
        }

        if (ResilientHttpHandler.Find<IOException>(ex) is not null)
        {
            return Error(RemoteErrorKind.Unreachable,
                $"The connection to {call.Label} at {authority} broke during the request to {call.What}{Tries(attempts)}.");
        }
        return Error(RemoteErrorKind.Unreachable,
            $"Could not reach {call.Label} at {authority} to {call.What}. Check the URL and this server's network access.");
    }

    private RemoteError TlsError(Call call, Uri url, HttpRequestException ex)
    {
        var reason = _tls?.LastRejection(url.Host);
        var bundleGiven = !string.IsNullOrWhiteSpace(_connection.CaBundlePem);
        var hint = bundleGiven
            ? "Check that the CA bundle contains the certificate authority that issued the server's certificate (and any intermediate), and that the URL's host name is one the certificate names."
            : "If the cloud uses its own certificate authority, paste that CA's certificate (PEM) into the CA bundle field of the connection; also check that the URL's host name is one the certificate names.";
        var plain = url.Scheme == Uri.UriSchemeHttps && reason is null && ResilientHttpHandler.Find<AuthenticationException>(ex) is null
            ? " If the service does not use TLS at all, the URL must start with http://."
            : string.Empty;
        return Error(RemoteErrorKind.TlsFailure,
            $"The secure (TLS) connection to {call.Label} at {url.Authority} failed{(reason is null ? string.Empty : $": {reason}")}. {hint}{plain}");
    }

    // ---- Failures with an answer ----------------------------------------------------------------------------

    private RemoteError MapStatus(Call call, Uri url, RawResponse raw)
    {
        var status = raw.Status;
        var said = ServerSays(raw);
        var code = $"{status} {raw.Reason ?? ((HttpStatusCode)status).ToString()}".Trim();
        if (call.IsAuthentication)
        {
            switch (status)
            {
                case 401:
                    return Error(RemoteErrorKind.Unauthorized, $"The cloud rejected the credentials ({code}). {CredentialHint()}{said}", status);
                case 403:
                    return Error(RemoteErrorKind.Forbidden,
                        $"Keystone refused to issue a token ({code}). The user or application credential may be disabled, or may not be allowed to use this project.{said}", status);
                case 404:
                    return Error(RemoteErrorKind.NotFound,
                        $"There is no Keystone v3 identity service at {_keystoneBase} ({Where(url)} answered {code}). " +
                        "Check the auth URL: it is usually the Keystone address ending in :5000/v3 or /identity/v3.", status);
                case 400:
                    return Error(RemoteErrorKind.InvalidConfiguration,
                        $"Keystone refused the authentication request as invalid ({code}). Check the user and project domain names.{said}", status);
                case >= 300 and < 400:
                    return Error(RemoteErrorKind.InvalidConfiguration,
                        $"The auth URL redirects ({code}){(raw.Location is null ? string.Empty : $" to {raw.Location.GetLeftPart(UriPartial.Path)}")}. " +
                        "Use the address Keystone itself serves (often https:// instead of http://) as the auth URL.", status);
            }
        }

        return status switch
        {
            401 => Error(RemoteErrorKind.Unauthorized,
                $"{call.Label} rejected the token while trying to {call.What} ({code}), even after authenticating again. " +
                $"The service may be using a different Keystone than {_keystoneBase}.{said}", status),
            403 => Error(RemoteErrorKind.Forbidden,
                $"{call.Label} refused to {call.What} ({code}): the credential's user lacks a role that allows it on this project. " +
                $"Ask the cloud administrator for the \"member\" (or at least \"reader\") role on the project.{said}", status),
            404 => Error(RemoteErrorKind.NotFound,
                $"{call.Label} has nothing at {Where(url)} ({code}) while trying to {call.What}. " +
                $"The catalog's {ServiceCatalog.InterfaceName(_connection.Interface)} endpoint for \"{call.ServiceType}\" may be wrong or may not be reachable from this server.{said}", status),
            429 => Error(RemoteErrorKind.ServerError,
                $"{call.Label} kept rate-limiting the request to {call.What} ({code}){Tries(raw.Attempts)}. Try again in a minute.", status),
            >= 500 => Error(RemoteErrorKind.ServerError,
                $"{call.Label} failed while trying to {call.What}: {Where(url)} answered {code}{Tries(raw.Attempts)}. " +
                $"The service may be down or misconfigured; try again later or ask the cloud administrator.{said}", status),
            _ => Error(RemoteErrorKind.Unexpected,
                $"{call.Label} answered the request to {call.What} with {code}, which the portal does not expect ({Where(url)}).{said}", status),
        };
    }

    private string CredentialHint() => _connection.Credential switch
    {
        ApplicationCredential =>
            "Check the application credential ID and secret; the credential may also have expired or been deleted.",
        PasswordCredential p =>
            $"Check the user name, password and user domain \"{p.UserDomain}\", and that the user has a role on project \"{p.ProjectName}\" in domain \"{p.ProjectDomain}\".",
        _ => "Check the credentials.",
    };

    /// <summary>The service's own error message (Keystone, Nova, Neutron JSON shapes, or plain text), shortened and redacted.</summary>
    private string ServerSays(RawResponse raw)
    {
        if (!MayQuoteServer || raw.Body.Length == 0)
            return string.Empty;
        string? text = null;
        try
        {
            using var document = JsonDocument.Parse(raw.Body);
            text = FindMessage(document.RootElement, depth: 0);
        }
        catch (JsonException)
        {
            if (raw.Body.Length <= 4096)
            {
                var plain = Encoding.UTF8.GetString(raw.Body);
                text = WhitespaceRun().Replace(TagPattern().Replace(plain, " "), " ").Trim();
            }
        }
        if (string.IsNullOrWhiteSpace(text))
            return string.Empty;
        // Besides the known secrets, anything shaped like a token (a long unbroken base64url run) is masked.
        text = TokenLike().Replace(Redact(text.Trim()), "***");
        if (text.Length > 300)
            text = text[..300] + "…";
        return $" The service said: \"{text}\"";
    }

    private static string? FindMessage(JsonElement element, int depth)
    {
        if (element.ValueKind != JsonValueKind.Object || depth > 2)
            return null;
        foreach (var name in (ReadOnlySpan<string>)["message", "detail", "faultstring"])
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } found)
                return found;
        }
        foreach (var property in element.EnumerateObject())
        {
            if (FindMessage(property.Value, depth + 1) is { } nested)
                return nested;
        }
        return null;
    }
}

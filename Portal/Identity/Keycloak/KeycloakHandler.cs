using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Portal.Identity.Keycloak;

/// <summary>
/// The framework's OpenID Connect handler, unchanged but for what it may write to the log. Some of its log lines carry
/// the callback URL with the code, the authorization request with state and nonce cookies, the userinfo document, or a
/// whole id_token (when no token handler can read it: also quoted in the exception it throws, which it logs at Error
/// level). Portal's rule is that tokens and codes never reach the log, whatever level an operator turns on, so the
/// handler writes through <see cref="RedactingLoggerFactory"/>. Every failure is still logged, by
/// <see cref="KeycloakEvents"/>, with its reason and safe facts.
/// </summary>
public sealed class KeycloakHandler(IOptionsMonitor<OpenIdConnectOptions> options, ILoggerFactory loggers, HtmlEncoder htmlEncoder, UrlEncoder encoder)
    : OpenIdConnectHandler(options, new RedactingLoggerFactory(loggers), htmlEncoder, encoder);

/// <summary>Creates loggers that drop the handler's log lines that carry protocol data, and every exception it attaches.</summary>
internal sealed partial class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>
    /// The handler's events (by name: ids repeat across its assemblies) whose text carries protocol data: the callback
    /// URL (code, state), the challenge's Location and Set-Cookie headers, the userinfo document, the id_token, and the
    /// failure's message (which may quote the id_token).
    /// </summary>
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "MessageReceived", "HandleChallenge", "UserInformationReceived", "UnableToReadIdToken", "UnableToValidateIdToken",
        "UnableToValidateIdTokenFromHandler", "RemoteAuthenticationFailed", "ExceptionProcessingMessage",
    };

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the host.
    }

    /// <summary>A JWT or JWE in compact form: base64url segments, the first one a JSON header ("eyJ").</summary>
    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.")]
    private static partial Regex CompactToken();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name is { } name && Dropped.Contains(name)) return;
            if (!inner.IsEnabled(logLevel)) return;
            // The line without its exception: an exception's message may quote what it failed to read.
            var message = formatter(state, null);
            if (CompactToken().IsMatch(message)) return;
            inner.Log(logLevel, eventId, message, null, static (text, _) => text);
        }
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Integration.Keycloak;

/// <summary>Portal's settings for a Keycloak realm, plus a log sink the tests read.</summary>
public sealed record KeycloakPortalSettings(string Authority, string ClientId = "portal", string ClientSecret = "portal-client-secret")
{
    /// <summary>The OpenID Connect handler's log at Trace, as an operator chasing a problem would turn it on.</summary>
    public bool TraceHandler { get; init; }

    public void Apply(IWebHostBuilder builder, CapturedLogs logs)
    {
        builder.UseSetting("Keycloak:Authority", Authority);
        builder.UseSetting("Keycloak:ClientId", ClientId);
        builder.UseSetting("Keycloak:ClientSecret", ClientSecret);
        builder.UseSetting("Logging:LogLevel:Portal", "Information");
        if (TraceHandler) builder.UseSetting("Logging:LogLevel:Portal.Identity.Keycloak.KeycloakHandler", "Trace");
        builder.ConfigureLogging(logging => logging.AddProvider(logs));
    }
}

/// <summary>The real Portal (TestServer) signing in against a Keycloak realm.</summary>
public sealed class KeycloakWebFactory(KeycloakPortalSettings settings) : PortalWebFactory
{
    public CapturedLogs Logs { get; } = new(settings.TraceHandler ? LogLevel.Trace : LogLevel.Information);
    public KeycloakPortalSettings Settings => settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        settings.Apply(builder, Logs);
    }

    /// <summary>How many accounts are linked to Keycloak.</summary>
    public async Task<int> DirectoryAccountCountAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Portal.Domain.Data.PortalDbContext>();
        return db.UserLogins.Count(l => l.LoginProvider == "Keycloak");
    }

    /// <summary>How many accounts exist at all.</summary>
    public async Task<int> AccountCountAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<Portal.Domain.Data.PortalDbContext>().Users.Count();
    }
}

/// <summary>The real Portal on Kestrel (for browsers) signing in against a Keycloak realm.</summary>
public sealed class KeycloakKestrelFactory(KeycloakPortalSettings settings) : PortalKestrelFactory
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        settings.Apply(builder, Logs);
    }
}

/// <summary>Every log line the app writes (Information and up for Portal's own categories, unless told lower).</summary>
public sealed class CapturedLogs(LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    private readonly List<string> _lines = [];
    private readonly LogLevel _minimum = minimum;

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    public string All => string.Join(Environment.NewLine, Lines);

    public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

    public void Dispose() { }

    private sealed class Sink(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The exception's message is part of what a log sink may print, so it is captured too.
            var line = $"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception)}";
            lock (owner._lines) owner._lines.Add(line);
        }
    }
}

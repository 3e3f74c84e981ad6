using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Hosting;

namespace Portal.CircuitsBenchmark;

/// <summary>
/// The real portal, composed exactly as <c>Portal/Program.cs</c> composes it (<c>AddPortal</c>, <c>InitializePortalAsync</c>,
/// <c>UsePortal</c>), in this process on Kestrel at a free 127.0.0.1 port, in the Development environment (build output
/// serves its static assets from the static-web-assets manifest there), on a fresh data folder with a known bootstrap admin.
/// Besides configuration, the only additions are a <see cref="CircuitHandler"/> that counts live circuits (so the benchmark
/// knows every page really holds one) and, through configuration, a periodic cluster reconcile pushed out of the run (the
/// seeded copies have no objects in the demo cloud; reconciling them would turn them Degraded and refresh every page).
/// </summary>
internal sealed class PortalServer : IAsyncDisposable
{
    public const string AdminEmail = "admin@circuits.bench";
    public const string AdminPassword = "circuits-benchmark-password-1";

    private readonly WebApplication _app;
    private readonly bool _keep;

    private PortalServer(WebApplication app, string dataPath, string baseUrl, bool keep)
    {
        _app = app;
        DataPath = dataPath;
        BaseUrl = baseUrl;
        _keep = keep;
    }

    public string DataPath { get; }
    public string BaseUrl { get; }
    public string DatabaseFile => Path.Combine(DataPath, DatabaseSetup.DatabaseFileName);
    public IServiceProvider Services => _app.Services;
    public CircuitCounter Circuits => Services.GetRequiredService<CircuitCounter>();
    public string EnvironmentName => _app.Environment.EnvironmentName;

    public static async Task<PortalServer> StartAsync(string dataPath, bool keep)
    {
        Directory.CreateDirectory(dataPath);
        var portalAssembly = typeof(PortalHost).Assembly;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The portal's name, so that its static-web-assets manifests (Portal.staticwebassets.*.json, next to Portal.dll
            // in the build output) and its appsettings are found as when the portal runs on its own.
            ApplicationName = portalAssembly.GetName().Name,
            EnvironmentName = Environments.Development,
            ContentRootPath = Path.GetDirectoryName(portalAssembly.Location) ?? AppContext.BaseDirectory,
        });
        // Command-line-like settings: added last, so they beat appsettings*.json; AddPortal reads them below.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:DataPath"] = dataPath,
            ["BootstrapAdmin:Email"] = AdminEmail,
            ["BootstrapAdmin:Password"] = AdminPassword,
            ["Clusters:ReconcileInterval"] = "1.00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
            ["Logging:LogLevel:Portal.Startup"] = "Warning",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        builder.AddPortal();
        builder.Services.AddSingleton<CircuitCounter>();
        builder.Services.AddScoped<CircuitHandler, CountingCircuitHandler>();

        var app = builder.Build();
        await app.InitializePortalAsync();
        app.UsePortal();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.SingleOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        return new PortalServer(app, dataPath, address.TrimEnd('/'), keep);
    }

    /// <summary>The bootstrap admin as a domain actor.</summary>
    public async Task<Actor> AdminAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(AdminEmail)
            ?? throw new InvalidOperationException("The bootstrap admin was not created.");
        return new Actor(admin.Id, admin.DisplayName, admin.PlatformRole);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // Exiting anyway.
        }
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_keep) return;
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>Live circuits as the server sees them: opened and not yet disposed; of those, the ones with a connection up.</summary>
internal sealed class CircuitCounter
{
    private readonly ConcurrentDictionary<string, bool> _circuits = new(StringComparer.Ordinal);

    public int Open => _circuits.Count;
    public int Connected => _circuits.Values.Count(up => up);

    public void Opened(Circuit circuit) => _circuits[circuit.Id] = true;
    public void Closed(Circuit circuit) => _circuits.TryRemove(circuit.Id, out _);
    public void Up(Circuit circuit) => _circuits.TryUpdate(circuit.Id, true, false);
    public void Down(Circuit circuit) => _circuits.TryUpdate(circuit.Id, false, true);

    /// <summary>Waits until <paramref name="condition"/> holds; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitAsync(Func<CircuitCounter, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(100);
        }
        return true;
    }
}

internal sealed class CountingCircuitHandler(CircuitCounter counter) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Opened(circuit);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Closed(circuit);
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Up(circuit);
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Down(circuit);
        return Task.CompletedTask;
    }
}

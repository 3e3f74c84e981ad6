using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Portal.Tests.Integration.Web.Infrastructure;

/// <summary>
/// <see cref="PortalWebFactory"/> plus a real Kestrel server on 127.0.0.1 and a free port, for browsers.
/// <see cref="ServerAddress"/> is the browser's base address; <c>CreateClient()</c> still talks to TestServer.
/// The app's start-up code runs once per host (twice in total) on the same data folder.
/// </summary>
public class PortalKestrelFactory : PortalWebFactory
{
    private IHost? _kestrelHost;
    private string? _serverAddress;

    /// <summary>Base address of the Kestrel server, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string ServerAddress
    {
        get
        {
            EnsureStarted();
            return _serverAddress!;
        }
    }

    /// <summary>Starts both hosts (TestServer and Kestrel) if they are not running yet.</summary>
    public void EnsureStarted() => _ = Server;

    protected override IHost CreateHost(IHostBuilder builder)
    {
        // 1. The in-memory host the factory needs. Started first so migrations and seeding finish
        //    before the second host runs the same start-up code on the same database.
        var testHost = builder.Build();
        testHost.Start();

        // 2. The same application on a real socket. --urls from UseUrls beats "Urls" in appsettings.json. Both hosts
        //    announce changes to the same notifiers, as one portal process does: a test acts through the first host's
        //    services (whose engine runs what they queue), and the page in the browser, served by the second, must hear it.
        builder.ConfigureWebHost(web => web.UseKestrel().UseUrls("http://127.0.0.1:0"));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(testHost.Services.GetRequiredService<Portal.Jobs.Operations.OperationNotifier>());
            services.AddSingleton(testHost.Services.GetRequiredService<Portal.Jobs.Operations.IResourceNotifier>());
        });
        _kestrelHost = builder.Build();
        _kestrelHost.Start();
        WaitUntilStarted(_kestrelHost, TimeSpan.FromSeconds(60));

        var addresses = _kestrelHost.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        _serverAddress = addresses.Single().TrimEnd('/');
        return testHost;
    }

    /// <summary>
    /// The factory's deferred host returns from Start as soon as any host of this builder has started, so
    /// wait for this host's own ApplicationStarted (the app's entry point starts it after its start-up code).
    /// </summary>
    private static void WaitUntilStarted(IHost host, TimeSpan timeout)
    {
        var started = new ManualResetEventSlim();
        using var registration = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(started.Set);
        if (!started.Wait(timeout))
            throw new TimeoutException($"The Kestrel host did not start within {timeout.TotalSeconds:0} s.");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            StopKestrel();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_kestrelHost is not null)
        {
            var host = _kestrelHost;
            _kestrelHost = null;
            await host.StopAsync(TimeSpan.FromSeconds(5));
            host.Dispose();
        }
        await base.DisposeAsync();
    }

    private void StopKestrel()
    {
        if (_kestrelHost is null) return;
        var host = _kestrelHost;
        _kestrelHost = null;
        host.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        host.Dispose();
    }
}

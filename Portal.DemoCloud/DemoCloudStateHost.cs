using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.DemoCloud.Kubernetes;

namespace Portal.DemoCloud;

/// <summary>
/// Makes the demo cloud remember its state across restarts of the portal. At start — before the simulated controllers
/// tick and before the operations engine runs, because it is registered ahead of both — it loads the saved OpenStack
/// and Kubernetes state from the folders named in <see cref="DemoCloudOptions.StateFolder"/> and
/// <see cref="DemoKubernetesOptions.StateFolder"/>; while the portal runs it saves what changed (at most once every
/// <see cref="SaveInterval"/>); at a graceful stop it saves a last time. Without folders it does nothing and the demo
/// lives in memory, as in tests. Kubernetes Secrets are protected with the portal's data-protection keys (kept in its
/// database), so the file alone reveals no credential; a file that cannot be read — or unprotected, because it belongs
/// to another database — is set aside with a warning and the demo starts empty.
/// </summary>
public sealed partial class DemoCloudStateHost(
    DemoCloudService cloud,
    DemoKubernetesApi kube,
    IServiceProvider services,
    ILogger<DemoCloudStateHost> log) : IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>The most often a stand-in's file is written; a burst of changes within it costs one write.</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    public const string OpenStackFileName = "demo-openstack.json";
    public const string KubernetesFileName = "demo-kubernetes.json";

    /// <summary>The data-protection purpose of saved Secrets; a new layout of what is protected gets a new purpose.</summary>
    internal const string ProtectionPurpose = "Portal.DemoCloud.State.v1";

    private readonly Lock _lock = new();
    private List<DemoStateSaver> _savers = [];
    private CancellationTokenRegistration? _stopping;

    /// <summary>How often changes are looked for (<see cref="SaveInterval"/>); tests turn the timer off and save by hand.</summary>
    internal TimeSpan SaveEvery { get; init; } = SaveInterval;

    /// <summary>The OpenStack stand-in's saver; null while stopped or in memory only.</summary>
    internal DemoStateSaver? OpenStack { get; private set; }

    /// <summary>The Kubernetes stand-in's saver; null while stopped or in memory only.</summary>
    internal DemoStateSaver? Kubernetes { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_savers.Count > 0)
                return Task.CompletedTask;
            // Saved as soon as the stop begins, while every service is still there: a host stopped by two callers at
            // once (a test host and its entry point's RunAsync) may dispose the container before this service's turn
            // to stop comes, and the save at StopAsync would then find the key ring and the logger gone.
            _stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(SaveNow);
            if (cloud.Options.StateFolder is { } cloudFolder)
            {
                OpenStack = Load(Path.Combine(cloudFolder, OpenStackFileName), cloud.Clock,
                    cloud.StateStamp, cloud.CaptureState, cloud.RestoreState);
                _savers.Add(OpenStack);
            }
            if (kube.Options.StateFolder is { } kubeFolder)
            {
                var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProtectionPurpose);
                Kubernetes = Load(Path.Combine(kubeFolder, KubernetesFileName), kube.Clock,
                    kube.StateStamp, () => kube.CaptureState(protector.Protect), state => kube.RestoreState(state, protector.Unprotect));
                _savers.Add(Kubernetes);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    /// <summary>Writes every stand-in's state now (the savers keep running).</summary>
    private void SaveNow()
    {
        List<DemoStateSaver> savers;
        lock (_lock)
            savers = [.. _savers];
        foreach (var saver in savers)
            saver.SaveNow();
    }

    public async ValueTask DisposeAsync()
    {
        List<DemoStateSaver> savers;
        CancellationTokenRegistration? stopping;
        lock (_lock)
        {
            stopping = _stopping;
            _stopping = null;
            savers = _savers;
            _savers = [];
            OpenStack = null;
            Kubernetes = null;
        }
        // Outside the lock: disposing the registration waits for a save it started, which takes the lock.
        if (stopping is { } registration) await registration.DisposeAsync().ConfigureAwait(false);
        foreach (var saver in savers)
            await saver.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>For a container disposed synchronously; after <see cref="StopAsync"/> there is nothing left to do.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private DemoStateSaver Load(string path, TimeProvider clock, Func<object> stamp, Func<JsonObject> capture, Action<JsonObject> restore)
    {
        var file = new DemoStateFile(path, clock, log);
        var started = clock.GetTimestamp();
        object? saved = null;
        if (file.Load() is { } state)
        {
            try
            {
                restore(state);
                saved = stamp();
                LogLoaded(log, file.Path, clock.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex) when (ex is InvalidDataException or CryptographicException or FormatException or InvalidOperationException or ArgumentException)
            {
                // Restoring reads everything before it replaces anything, so the stand-in is still empty here.
                file.SetAside(ex is CryptographicException
                    ? "its protected parts cannot be unprotected with this portal's keys (was the database replaced?)"
                    : $"it is not a demo state this version understands ({ex.Message})", ex is CryptographicException ? ex : null);
            }
        }
        var saver = new DemoStateSaver(file, stamp, capture, saved, log);
        saver.Start(clock, SaveEvery);
        return saver;
    }

    [LoggerMessage(EventId = 4223, Level = LogLevel.Information, Message = "The demo cloud took up its saved state from {Path} in {Milliseconds:0} ms")]
    private static partial void LogLoaded(ILogger logger, string path, double milliseconds);
}

public static class DemoCloudStateServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DemoCloudStateHost"/>. Call it before the demo's controllers and the operations engine are
    /// registered: hosted services start in registration order, and the saved state must be in place before either runs.
    /// </summary>
    public static IServiceCollection AddDemoCloudState(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(DemoCloudStateHost)))
            return services;
        services.AddSingleton<DemoCloudStateHost>();
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<DemoCloudStateHost>());
        return services;
    }
}

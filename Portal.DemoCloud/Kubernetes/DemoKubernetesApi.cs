using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// The demo cloud's Kubernetes API stand-in: simulated clusters (the management cluster at <see cref="Host"/>, plus a
/// workload cluster per provisioned Cluster API cluster) answering the standard REST paths for any registered type,
/// and simulated controllers (CloudNativePG, Deployments, Cluster API) that move resources through their states on
/// each <see cref="Tick"/>. The real <see cref="KubernetesClient"/> talks to it through <see cref="Handler"/>. Tests can
/// inject failures: <see cref="FailNext"/> makes a controller fail an object, <see cref="RejectNext"/> makes the API
/// itself answer an error. Register as a singleton.
/// </summary>
public sealed partial class DemoKubernetesApi
{
    /// <summary>The reserved host name of the demo management cluster (".invalid" never resolves, so nothing leaves the process).</summary>
    public const string Host = "demo-k8s.portal.invalid";

    /// <summary>How the demo Kubernetes API is labelled wherever it is shown.</summary>
    public const string DisplayName = "Demo Kubernetes";

    /// <summary>The bearer token every demo cluster accepts. Not a secret: it opens nothing real.</summary>
    public const string Token = "demo-kubernetes-token";

    private readonly Lock _kindsLock = new();
    private readonly ConcurrentDictionary<string, DemoKubeCluster> _clusters = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<(HttpStatusCode Status, string? Message)> _rejections = new();
    private readonly Lock _failuresLock = new();
    private readonly List<PendingFailure> _pendingFailures = [];
    private readonly Dictionary<string, ActiveFailure> _activeFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _markers = new(StringComparer.Ordinal);
    private readonly Lock _controllersLock = new();
    private readonly Lock _tickLock = new();
    private IReadOnlyList<DemoResourceKind> _kinds;
    private IReadOnlyList<IDemoController> _controllers;
    private int _requestCount;
    private long _ticks;

    /// <param name="Existing">With "only new objects": the uids that existed when the failure was queued (never matched).</param>
    private sealed record PendingFailure(string Kind, string? Group, string? Name, string Reason, string Message, IReadOnlySet<string>? Existing = null);

    private sealed record ActiveFailure(string Kind, string Name, long Generation, DemoFailure Failure);

    public DemoKubernetesApi(TimeProvider clock, DemoKubernetesOptions? options = null)
    {
        Clock = clock;
        Options = options ?? new DemoKubernetesOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.Tick, TimeSpan.Zero);
        _kinds = [.. DemoResourceKind.BuiltIn, .. Options.AdditionalKinds];
        _controllers =
        [
            new DemoGarbageCollector(),
            new DemoNamespaceController(),
            new DemoCapiClusterController(),
            new DemoOpenStackClusterController(),
            new DemoKubeadmControlPlaneController(),
            new DemoKamajiControlPlaneController(),
            new DemoMachineDeploymentController(),
            new DemoDeploymentController(),
            new DemoPostgresClusterController(),
            new DemoPostgresScheduledBackupController(),
            new DemoPostgresBackupController(),
        ];
        Default = new DemoKubeCluster(this, Host, "demo");
        _clusters[Host] = Default;
        Handler = new DemoKubernetesHandler(this);
    }

    /// <summary>A demo API on the system clock with default options.</summary>
    public DemoKubernetesApi()
        : this(TimeProvider.System)
    {
    }

    /// <summary>The demo management cluster's URL.</summary>
    public static Uri ServerUrl { get; } = new($"https://{Host}");

    /// <summary>The well-known kubeconfig of the demo management cluster (token authentication).</summary>
    public static string Kubeconfig { get; } = KubeconfigFor(Host, "demo");

    /// <summary>The resolved connection of <see cref="Kubeconfig"/>.</summary>
    public static KubeConnection Connection { get; } = new(ServerUrl, KubeCredential.FromToken(Token)) { ContextName = "demo" };

    /// <summary>Whether a URL points at the demo Kubernetes API (the management cluster or a workload cluster under it).</summary>
    public static bool IsDemo(Uri url) =>
        url.IsAbsoluteUri && (string.Equals(url.Host, Host, StringComparison.OrdinalIgnoreCase)
                              || url.Host.EndsWith("." + Host, StringComparison.OrdinalIgnoreCase));

    /// <summary>A kubeconfig for a demo cluster host.</summary>
    public static string KubeconfigFor(string host, string contextName) =>
        $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {contextName}
          cluster:
            server: https://{host}
        users:
        - name: {contextName}-admin
          user:
            token: {Token}
        contexts:
        - name: {contextName}
          context:
            cluster: {contextName}
            user: {contextName}-admin
            namespace: default
        current-context: {contextName}
        """;

    public DemoKubernetesOptions Options { get; }

    public TimeProvider Clock { get; }

    /// <summary>The in-process transport answering the Kubernetes API. Shared; never dispose it.</summary>
    public HttpMessageHandler Handler { get; }

    /// <summary>The management cluster (<see cref="Host"/>).</summary>
    public DemoKubeCluster Default { get; }

    /// <summary>Every simulated cluster: the management cluster and the workload clusters.</summary>
    public IReadOnlyList<DemoKubeCluster> Clusters => [.. _clusters.Values.OrderBy(c => c.Host, StringComparer.Ordinal)];

    /// <summary>The types every cluster serves (CRDs add more per cluster).</summary>
    public IReadOnlyList<DemoResourceKind> Kinds => Volatile.Read(ref _kinds);

    /// <summary>The simulated controllers, in the order each tick runs them.</summary>
    public IReadOnlyList<IDemoController> Controllers => Volatile.Read(ref _controllers);

    /// <summary>Requests answered so far (all clusters).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Ticks run so far.</summary>
    public long TickCount => Interlocked.Read(ref _ticks);

    /// <summary>Serves another type on every cluster (replacing one with the same group, version and plural).</summary>
    public void RegisterKind(DemoResourceKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        lock (_kindsLock)
            Volatile.Write(ref _kinds, [.. _kinds.Where(k => k.Key != kind.Key), kind]);
    }

    /// <summary>Adds a simulated controller; it runs after the built-in ones on every tick.</summary>
    public void RegisterController(IDemoController controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        lock (_controllersLock)
            Volatile.Write(ref _controllers, [.. _controllers, controller]);
    }

    /// <summary>The cluster answering for <paramref name="host"/>; null when there is none.</summary>
    public DemoKubeCluster? FindCluster(string host) => _clusters.GetValueOrDefault(host);

    /// <summary>The cluster at <paramref name="host"/> (a name under <see cref="Host"/>), created when missing.</summary>
    public DemoKubeCluster AddCluster(string host, string? name = null)
    {
        if (!IsDemo(new Uri($"https://{host}")))
            throw new ArgumentException($"Demo cluster hosts end in .{Host}.", nameof(host));
        return _clusters.GetOrAdd(host, h => new DemoKubeCluster(this, h, name ?? h.Split('.')[0]));
    }

    /// <summary>Removes a workload cluster (its host stops resolving). The management cluster cannot be removed.</summary>
    public bool RemoveCluster(string host) =>
        !string.Equals(host, Host, StringComparison.OrdinalIgnoreCase) && _clusters.TryRemove(host, out _);

    // ---- Shortcuts to the management cluster -------------------------------------------------------------------

    /// <inheritdoc cref="DemoKubeCluster.Get"/>
    public JsonObject? Get(string apiVersion, string kind, string? ns, string name) => Default.Get(apiVersion, kind, ns, name);

    /// <inheritdoc cref="DemoKubeCluster.List"/>
    public IReadOnlyList<JsonObject> List(string apiVersion, string kind, string? ns = null, string? labelSelector = null) =>
        Default.List(apiVersion, kind, ns, labelSelector);

    // ---- Fault injection ---------------------------------------------------------------------------------------

    /// <summary>
    /// Makes the controller of <paramref name="kind"/> fail the next object it reconciles that matches (by name when
    /// given): a False Ready condition (Available for Deployments) with this reason and message, and the kind's
    /// failure fields (phase, failureReason/failureMessage). <paramref name="kind"/> is "Cluster" (any group) or
    /// "Cluster.postgresql.cnpg.io" (kind.group). The object stays failed until its spec changes (a new generation is a
    /// new attempt), <see cref="Heal"/> or <see cref="ClearFailures"/>.
    /// </summary>
    public void FailNext(string kind, string? name, string reason, string message) => FailNext(kind, name, reason, message, onlyNewObjects: false);

    /// <summary>
    /// Like <see cref="FailNext(string, string?, string, string)"/>; with <paramref name="onlyNewObjects"/> the failure
    /// skips every object that exists now and waits for one created later (what "the next cluster that asks" means).
    /// </summary>
    public void FailNext(string kind, string? name, string reason, string message, bool onlyNewObjects)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        var dot = kind.IndexOf('.', StringComparison.Ordinal);
        var (bareKind, group) = dot < 0 ? (kind, null) : (kind[..dot], kind[(dot + 1)..]);
        // Taken before the failures lock: listing objects takes the clusters' own locks.
        IReadOnlySet<string>? existing = onlyNewObjects
            ? Clusters.SelectMany(c => c.All())
                .Where(o => DemoKubeJson.Text(o["kind"]) == bareKind)
                .Select(o => DemoKubeJson.Text(o["metadata"]?["uid"]) ?? "")
                .ToHashSet(StringComparer.Ordinal)
            : null;
        lock (_failuresLock)
            _pendingFailures.Add(new PendingFailure(bareKind, group, name, reason, message, existing));
    }

    /// <summary>Lets failed objects of <paramref name="kind"/> (by name when given) recover on the next tick.</summary>
    public void Heal(string kind, string? name = null)
    {
        var bareKind = kind.Split('.')[0];
        lock (_failuresLock)
        {
            foreach (var (uid, failure) in _activeFailures.ToList())
            {
                if (failure.Kind == bareKind && (name is null || failure.Name == name))
                    _activeFailures.Remove(uid);
            }
        }
    }

    /// <summary>Forgets queued, armed and active controller failures, database faults and queued API rejections.</summary>
    public void ClearFailures()
    {
        lock (_failuresLock)
        {
            _pendingFailures.Clear();
            _activeFailures.Clear();
        }
        ClearArmedFaults();
        ClearDatabaseFaults();
        _rejections.Clear();
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> requests (any cluster, any path) answer <paramref name="status"/> with a
    /// Kubernetes Status body (e.g. 500, 503, 429, 403, 409), before authentication, as a failing API server would.
    /// </summary>
    public void RejectNext(HttpStatusCode status, int count = 1, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if ((int)status < 400)
            throw new ArgumentOutOfRangeException(nameof(status), "Only error statuses (4xx, 5xx) can be injected.");
        for (var i = 0; i < count; i++)
            _rejections.Enqueue((status, message));
    }

    // ---- Controllers ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs every controller once over every cluster, at the clock's current time. The hosted loop calls this every
    /// <see cref="DemoKubernetesOptions.Tick"/>; tests call it directly after moving a manual clock. Controllers that
    /// throw do not stop the others; their exceptions are rethrown together at the end.
    /// </summary>
    public void Tick()
    {
        lock (_tickLock)
        {
            Interlocked.Increment(ref _ticks);
            var now = Clock.GetUtcNow();
            List<Exception>? errors = null;
            foreach (var cluster in Clusters)
            {
                var context = new DemoControllerContext(this, cluster, now);
                foreach (var controller in Controllers)
                {
                    try
                    {
                        controller.Reconcile(context);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        (errors ??= []).Add(new InvalidOperationException($"Demo controller {controller.GetType().Name} failed on {cluster.Host}: {ex.Message}", ex));
                    }
                }
            }
            ForgetStaleMarkers();
            if (errors is not null)
                throw new AggregateException("Demo Kubernetes controllers failed.", errors);
        }
    }

    internal void CountRequest() => Interlocked.Increment(ref _requestCount);

    internal (HttpStatusCode Status, string? Message)? TakeRejection() => _rejections.TryDequeue(out var rejection) ? rejection : null;

    /// <summary>The failure a controller must show for this object now, taking a matching <see cref="FailNext"/> when one is queued.</summary>
    internal DemoFailure? FailureFor(JsonObject resource)
    {
        var metadata = resource["metadata"] as JsonObject;
        var uid = DemoKubeJson.Text(metadata?["uid"]);
        var name = DemoKubeJson.Text(metadata?["name"]);
        var kind = DemoKubeJson.Text(resource["kind"]);
        if (uid is null || name is null || kind is null)
            return null;
        var group = KubeJson.SplitApiVersion(DemoKubeJson.Text(resource["apiVersion"]))?.Group ?? string.Empty;
        var generation = DemoKubeJson.Number(metadata?["generation"]) ?? 0;
        lock (_failuresLock)
        {
            if (_activeFailures.TryGetValue(uid, out var active))
            {
                if (active.Generation == generation)
                    return active.Failure;
                _activeFailures.Remove(uid);
            }
            var pending = _pendingFailures.FirstOrDefault(p => p.Kind == kind && (p.Group is null || p.Group == group) && (p.Name is null || p.Name == name)
                && (p.Existing is null || !p.Existing.Contains(uid)));
            if (pending is null)
                return null;
            _pendingFailures.Remove(pending);
            var failure = new DemoFailure(pending.Reason, pending.Message);
            _activeFailures[uid] = new ActiveFailure(kind, name, generation, failure);
            return failure;
        }
    }

    /// <summary>When a controller first saw <paramref name="marker"/> for an object (now, the first time it asks).</summary>
    internal DateTimeOffset Since(DemoKubeCluster cluster, JsonObject resource, string marker, DateTimeOffset now)
    {
        var uid = DemoKubeJson.Text(resource["metadata"]?["uid"]) ?? string.Empty;
        return _markers.GetOrAdd($"{cluster.Host}|{uid}|{marker}", now);
    }

    internal void ResetMarker(DemoKubeCluster cluster, JsonObject resource, string marker, DateTimeOffset now)
    {
        var uid = DemoKubeJson.Text(resource["metadata"]?["uid"]) ?? string.Empty;
        _markers[$"{cluster.Host}|{uid}|{marker}"] = now;
    }

    /// <summary>Drops the timing markers of objects that no longer exist (checked every so often).</summary>
    private void ForgetStaleMarkers()
    {
        if (TickCount % 50 != 0 || _markers.IsEmpty)
            return;
        var live = Clusters.SelectMany(c => c.All().Select(o => $"{c.Host}|{DemoKubeJson.Text(o["metadata"]?["uid"])}|")).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _markers.Keys)
        {
            var prefix = key[..(key.LastIndexOf('|') + 1)];
            if (!live.Contains(prefix))
                _markers.TryRemove(key, out _);
        }
    }
}

using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;
using static Portal.DemoCloud.Kubernetes.DemoPostgresClusterController;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// One tick of <see cref="DemoPostgresClusterController"/> on one Cluster: reads the spec, the annotations and the last
/// status, works out the next status (on a copy, so nothing is half-written) and leaves it in <see cref="Status"/>.
/// </summary>
internal sealed partial class ClusterRun
{
    private readonly DemoControllerContext _context;
    private readonly JsonObject _cluster;
    private readonly string _name;
    private readonly long _desired;
    private readonly string _targetImage;
    private readonly List<string> _names;
    private readonly string? _previousPhase;
    private JsonObject _operand;
    private string? _restarting;
    private (string Reason, string Message)? _notReady;

    public ClusterRun(DemoControllerContext context, JsonObject cluster)
    {
        _context = context;
        _cluster = cluster;
        _name = DemoStatus.Name(cluster);
        _desired = Math.Max(1, DemoKubeJson.Number(cluster["spec"]?["instances"]) ?? 1);
        _targetImage = DemoKubeJson.Text(cluster["spec"]?["imageName"]) ?? DefaultImage;
        Status = (JsonObject?)cluster["status"]?.DeepClone() ?? [];
        _previousPhase = DemoKubeJson.Text(Status["phase"]);
        _names = (Status["instanceNames"] as JsonArray)?.Select(DemoKubeJson.Text).OfType<string>().ToList() ?? [];
        _operand = (JsonObject?)Status[OperandField]?.DeepClone() ?? [];
        // An instance restarting in a rolling update is not ready, yet it is still there: it counts again next tick
        // unless the rollout takes it out again.
        Ready = DemoStatus.Count(Status, "readyInstances") + (_operand.Remove("restarting") ? 1 : 0);
    }

    /// <summary>The status to write.</summary>
    public JsonObject Status { get; }

    public long Ready { get; private set; }

    public bool Bootstrapped => DemoKubeJson.Text(Status["currentPrimary"]) is not null;

    public string? CurrentPrimary => DemoKubeJson.Text(Status["currentPrimary"]);

    private string? Annotation(string key) => DemoKubeJson.Text(_cluster["metadata"]?["annotations"]?[key]);

    private DemoControllerDelays Delays => _context.Delays;

    public void Step()
    {
        if (_previousPhase is null)
            _context.Restart(_cluster, "step");
        string phase;
        string? reason;
        if (_context.Failure(_cluster) is { } failure)
        {
            (phase, reason) = (PhaseInjectedFailure, failure.Message);
            _notReady = (failure.Reason, failure.Message);
        }
        else if (!Bootstrapped)
        {
            if (Annotation(HibernationAnnotation) == "on")
            {
                DemoStatus.SetCondition(Status, HibernationCondition, false, "WaitingForHealthy",
                    "Waiting for the cluster to be healthy before proceeding with hibernation", _context.Now);
            }
            (phase, reason) = Bootstrap();
            if (Bootstrapped)
                (phase, reason) = Run();
        }
        else
        {
            (phase, reason) = Run();
        }
        if (Bootstrapped && _context.Failure(_cluster) is null)
            Resize();
        Write(phase, reason);
    }

    // ---- Creation --------------------------------------------------------------------------------------------

    private (string Phase, string? Reason) Bootstrap()
    {
        var first = $"{_name}-1";
        if (_previousPhase == PhaseUnrecoverable)
        {
            // A failed bootstrap job stays failed: the operator waits for a person to delete the Cluster.
            var ready = FindCondition(Status, "Ready");
            _notReady = (DemoKubeJson.Text(ready?["reason"]) ?? "ClusterIsNotReady", DemoKubeJson.Text(ready?["message"]) ?? "Cluster Is Not Ready");
            return (PhaseUnrecoverable, DemoKubeJson.Text(Status["phaseReason"]));
        }
        _names.Clear();
        _names.Add(first);
        Status["latestGeneratedNode"] = 1;
        Status["targetPrimary"] = first;
        var recovery = _cluster["spec"]?["bootstrap"]?["recovery"] as JsonObject;
        var delay = recovery is null ? Delays.PostgresPrimary : Delays.PostgresRecovery;
        if (_context.Api.HasDatabaseFault(_cluster, DemoDatabaseFault.StuckBootstrap))
        {
            // The primary never comes up; once healed it takes the whole delay from then.
            _context.Restart(_cluster, "step");
            return (PhaseSettingUpPrimary, $"Creating primary instance {first}");
        }
        if (_context.Elapsed(_cluster, "step") < delay)
            return (PhaseSettingUpPrimary, $"Creating primary instance {first}");
        if (recovery is not null && DemoPostgresClusterController.RecoveryProblem(_context, _cluster, recovery) is { } problem)
        {
            _notReady = ("ClusterIsNotReady", problem);
            return (PhaseUnrecoverable,
                $"Instance creation failed for the following jobs: {first}-full-recovery. Check the job logs to investigate the cause of the failure.");
        }
        Ready = 1;
        Status["currentPrimary"] = first;
        Status["currentPrimaryTimestamp"] = MicroTime(_context.Now);
        Status["targetPrimaryTimestamp"] = MicroTime(_context.Now);
        Status["image"] = _targetImage;
        SetImageInfo(_targetImage);
        _operand = Capture();
        _context.Restart(_cluster, "step");
        return (PhaseHealthy, null);
    }

    // ---- A running cluster -----------------------------------------------------------------------------------

    private (string Phase, string? Reason) Run()
    {
        ScaleDown();
        var primary = CurrentPrimary!;
        if (_operand.Count == 0)
            _operand = Capture();
        if (DiskFull())
        {
            Ready = 0;
            _notReady = ("ClusterIsNotReady", DemoDatabaseFaults.Describe(DemoDatabaseFault.DiskFull, primary));
            _context.Restart(_cluster, "step");
            return (DemoDatabaseFaults.PhaseNotEnoughDiskSpace, DemoDatabaseFaults.NotEnoughDiskSpaceReason);
        }
        if (Hibernation() is { } hibernating)
            return hibernating;
        if (MajorUpgrade() is { } upgrading)
            return upgrading;
        if (Ready < _names.Count)
        {
            if (_context.Elapsed(_cluster, "step") >= Delays.PostgresReplica)
            {
                Ready++;
                _context.Restart(_cluster, "step");
            }
            if (Ready < _names.Count)
                return (PhaseWaitingForInstancesToBeActive, "Some instances are not yet active. Please wait.");
        }
        if (Switchover(primary) is { } switching)
            return switching;
        if (RollingUpdate() is { } rolling)
            return rolling;
        if (_names.Count < _desired)
        {
            var serial = (DemoKubeJson.Number(Status["latestGeneratedNode"]) ?? _names.Count) + 1;
            if (_context.Elapsed(_cluster, "step") < Delays.PostgresReplica)
                return (PhaseCreatingReplica, $"Creating replica {_name}-{serial}");
            _names.Add($"{_name}-{serial}");
            Status["latestGeneratedNode"] = serial;
            Ready++;
            _context.Restart(_cluster, "step");
            if (_names.Count < _desired)
                return (PhaseCreatingReplica, $"Creating replica {_name}-{serial + 1}");
        }
        _context.Restart(_cluster, "step");
        return (PhaseHealthy, null);
    }

    /// <summary>
    /// Whether the volumes are full now. Growing <c>spec.storage.size</c> past the size they filled up at cures it,
    /// as CloudNativePG's "Disk Full Failure" documentation says: enlarge the volumes, the instances restart.
    /// </summary>
    private bool DiskFull()
    {
        if (!_context.Api.HasDatabaseFault(_cluster, DemoDatabaseFault.DiskFull))
        {
            _operand.Remove("diskFullAt");
            return false;
        }
        var fullAt = DemoKubeJson.Text(_operand["diskFullAt"]) ?? DemoKubeJson.Text(_operand["storageSize"]);
        var requested = DemoKubeJson.Text(_cluster["spec"]?["storage"]?["size"]);
        if (DemoQuantity.Bytes(requested) > DemoQuantity.Bytes(fullAt))
        {
            _context.Api.ForgetDatabaseFault(_cluster, DemoDatabaseFault.DiskFull);
            _operand.Remove("diskFullAt");
            return false;
        }
        _operand["diskFullAt"] = fullAt;
        return true;
    }

    /// <summary>Fewer instances: the newest replicas go at once (never the primary), as the operator deletes them.</summary>
    private void ScaleDown()
    {
        var primary = CurrentPrimary;
        while (_names.Count > _desired)
        {
            var victim = _names.Where(n => n != primary).OrderByDescending(Serial).First();
            _names.Remove(victim);
        }
        Ready = Math.Min(Ready, _names.Count);
    }

    /// <summary>
    /// <c>cnpg.io/hibernation: "on"</c> on a healthy cluster deletes its pods (DeletingPods, then Hibernated); asked of
    /// an unhealthy one it waits (WaitingForHealthy). Removed or "off": the condition goes and the instances come back.
    /// The phase stays what it was: the operator's hibernation step returns before it registers another.
    /// </summary>
    private (string Phase, string? Reason)? Hibernation()
    {
        var condition = FindCondition(Status, HibernationCondition);
        var conditionReason = DemoKubeJson.Text(condition?["reason"]);
        var ongoing = conditionReason is "DeletingPods" or "WaitingPodsDeletion" or "Hibernated";
        if (Annotation(HibernationAnnotation) != "on")
        {
            RemoveCondition(Status, HibernationCondition);
            return null;
        }
        if (!ongoing && _previousPhase != PhaseHealthy)
        {
            DemoStatus.SetCondition(Status, HibernationCondition, false, "WaitingForHealthy",
                "Waiting for the cluster to be healthy before proceeding with hibernation", _context.Now);
            return null;
        }
        if (Ready > 0 && _context.Elapsed(_cluster, "hibernation") < Delays.PostgresHibernation)
        {
            if (conditionReason != "DeletingPods")
                _context.Restart(_cluster, "hibernation");
            DemoStatus.SetCondition(Status, HibernationCondition, false, "DeletingPods", "Hibernation is in progress", _context.Now);
        }
        else
        {
            Ready = 0;
            DemoStatus.SetCondition(Status, HibernationCondition, true, "Hibernated", "Cluster has been hibernated", _context.Now);
        }
        _context.Restart(_cluster, "step");
        return (_previousPhase ?? PhaseHealthy, DemoKubeJson.Text(Status["phaseReason"]));
    }

    /// <summary>A promote (<c>status.targetPrimary</c> set to another instance): the target becomes the current primary.</summary>
    private (string Phase, string? Reason)? Switchover(string primary)
    {
        var target = DemoKubeJson.Text(Status["targetPrimary"]);
        if (target is null || target == primary)
            return null;
        if (!_names.Contains(target))
        {
            Status["targetPrimary"] = primary;
            return null;
        }
        if (_context.Elapsed(_cluster, $"switchover-{target}") < Delays.PostgresSwitchover)
            return (PhaseSwitchover, $"Switching over to {target}");
        Status["currentPrimary"] = target;
        Status["currentPrimaryTimestamp"] = MicroTime(_context.Now);
        _context.Restart(_cluster, $"switchover-{target}");
        return null;
    }

    /// <summary>A larger <c>spec.storage.size</c>: the volumes are listed as resizing for a while, then healthy at the new size.</summary>
    private void Resize()
    {
        var requested = DemoKubeJson.Text(_cluster["spec"]?["storage"]?["size"]);
        var current = DemoKubeJson.Text(_operand["storageSize"]);
        if (requested is not null && current is not null && requested != current
            && DemoQuantity.Bytes(requested) > DemoQuantity.Bytes(current)
            && _context.Elapsed(_cluster, $"resize-{requested}") < Delays.PostgresStorageResize)
        {
            Status["resizingPVC"] = new JsonArray(_names.Select(n => (JsonNode?)n).ToArray());
            Status.Remove("healthyPVC");
            return;
        }
        _operand["storageSize"] = requested;
        Status.Remove("resizingPVC");
        Status["healthyPVC"] = new JsonArray(_names.Select(n => (JsonNode?)n).ToArray());
        Status["pvcCount"] = _names.Count;
    }

    // ---- Writing -----------------------------------------------------------------------------------------------

    private void Write(string phase, string? reason)
    {
        var now = _context.Now;
        Status["instances"] = _desired;
        DemoStatus.SetCount(Status, "readyInstances", _restarting is null ? Ready : Ready - 1);
        Status["phase"] = phase;
        if (reason is null)
            Status.Remove("phaseReason");
        else
            Status["phaseReason"] = reason;
        Status["image"] ??= _targetImage;
        Status["instanceNames"] = new JsonArray(_names.Select(n => (JsonNode?)n).ToArray());
        Status["latestGeneratedNode"] ??= _names.Count == 0 ? null : _names.Max(Serial);
        Status["writeService"] = $"{_name}-rw";
        Status["readService"] = $"{_name}-r";
        if (_operand.Count > 0)
            Status[OperandField] = _operand;
        var primary = CurrentPrimary;
        var published = _restarting is null ? Ready : Ready - 1;
        var healthy = _names.Where(n => n != _restarting).OrderBy(n => n == primary ? 0 : 1).ThenBy(Serial).Take((int)published).ToList();
        if (healthy.Count > 0)
            Status["instancesStatus"] = new JsonObject { ["healthy"] = new JsonArray(healthy.Select(n => (JsonNode?)n).ToArray()) };
        else
            Status.Remove("instancesStatus");
        if (_notReady is { } notReady)
            DemoStatus.SetCondition(Status, "Ready", false, notReady.Reason, notReady.Message, now);
        else if (phase == PhaseHealthy && Ready == _desired)
            DemoStatus.SetCondition(Status, "Ready", true, "ClusterIsReady", "Cluster is Ready", now);
        else
            DemoStatus.SetCondition(Status, "Ready", false, "ClusterIsNotReady", "Cluster Is Not Ready", now);
    }

    /// <summary>What the instances run now, as the demo's stand-in for the operator's Pods.</summary>
    private JsonObject Capture() => new()
    {
        ["resources"] = _cluster["spec"]?["resources"]?.DeepClone(),
        ["restartedAt"] = Annotation(RestartAnnotation),
        ["storageSize"] = DemoKubeJson.Text(_operand["storageSize"]) ?? DemoKubeJson.Text(_cluster["spec"]?["storage"]?["size"]),
    };

    private void SetImageInfo(string image)
    {
        if (MajorVersion(image) is { } major)
            Status["pgDataImageInfo"] = new JsonObject { ["image"] = image, ["majorVersion"] = major };
    }

    private static long Serial(string instance) =>
        long.TryParse(instance[(instance.LastIndexOf('-') + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var serial) ? serial : 0;

    /// <summary>CloudNativePG writes its primary timestamps with microseconds.</summary>
    private static string MicroTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    internal static string Time(DateTimeOffset time) => KubeJson.FormatTime(time);
}

using System.Text.Json.Nodes;
using static Portal.DemoCloud.Kubernetes.DemoPostgresClusterController;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>The upgrades of a running Cluster: the in-place major upgrade and the rolling update (image, resources, restart).</summary>
internal sealed partial class ClusterRun
{
    /// <summary>A newer major version in <c>spec.imageName</c>: the in-place upgrade runs, then the instances come back.</summary>
    private (string Phase, string? Reason)? MajorUpgrade()
    {
        var current = DemoKubeJson.Number(Status["pgDataImageInfo"]?["majorVersion"]);
        var requested = MajorVersion(_targetImage);
        if (current is null || requested is null || requested <= current)
            return null;
        Status["targetPGDataImageInfo"] = new JsonObject { ["image"] = _targetImage, ["majorVersion"] = requested };
        if (_context.Elapsed(_cluster, $"major-{requested}") < Delays.PostgresMajorUpgrade)
        {
            Ready = 0;
            return (PhaseMajorUpgrade, $"Upgrading cluster to major version {requested}");
        }
        Status.Remove("targetPGDataImageInfo");
        Status["image"] = _targetImage;
        SetImageInfo(_targetImage);
        _operand = Capture();
        Ready = 1;
        _context.Restart(_cluster, "step");
        return _names.Count > 1 ? (PhaseWaitingForInstancesToBeActive, "Some instances are not yet active. Please wait.") : null;
    }

    /// <summary>
    /// A new image (same major), new resources or a new restart annotation: each replica restarts in turn (newest
    /// first), then the primary in place — CloudNativePG's default <c>primaryUpdateMethod: restart</c>.
    /// </summary>
    private (string Phase, string? Reason)? RollingUpdate()
    {
        var resources = _cluster["spec"]?["resources"];
        var restartedAt = Annotation(RestartAnnotation);
        var image = DemoKubeJson.Text(Status["image"]) ?? _targetImage;
        string why;
        if (image != _targetImage)
            why = $"the instance is using a different image: {image} -> {_targetImage}";
        else if (!JsonNode.DeepEquals(_operand["resources"], resources))
            why = "original and target PodSpec differ in containers: container postgres differs in resources";
        else if (DemoKubeJson.Text(_operand["restartedAt"]) != restartedAt)
            why = "cluster has been explicitly restarted via annotation";
        else
            return null;

        var rollout = DemoStatus.Hash($"{_targetImage}|{resources?.ToJsonString()}|{restartedAt}");
        if (DemoKubeJson.Text(_operand["rollout"]) != rollout)
        {
            _operand["rollout"] = rollout;
            _operand["rolled"] = new JsonArray();
        }
        var rolled = ((JsonArray)_operand["rolled"]!).Select(DemoKubeJson.Text).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var primary = CurrentPrimary!;
        var order = _names.Where(n => n != primary).OrderByDescending(Serial).Append(primary);
        var next = order.FirstOrDefault(n => !rolled.Contains(n));
        if (next is not null && _context.Elapsed(_cluster, $"restart-{rollout}-{next}") >= Delays.PostgresInstanceRestart)
        {
            ((JsonArray)_operand["rolled"]!).Add(next);
            next = order.FirstOrDefault(n => n != next && !rolled.Contains(n));
        }
        if (next is null)
        {
            Status["image"] = _targetImage;
            SetImageInfo(_targetImage);
            _operand = Capture();
            _context.Restart(_cluster, "step");
            return null;
        }
        _context.Elapsed(_cluster, $"restart-{rollout}-{next}");
        // Not ready while it restarts; the count read back next tick stays the full one (see Write).
        _restarting = next;
        _operand["restarting"] = next;
        if (next != primary)
            return (PhaseUpgrade, $"Restarting instance {next}, because: {why}");
        return (why.StartsWith("cluster has been explicitly restarted", StringComparison.Ordinal) ? PhaseInplacePrimaryRestart : PhaseInplaceDeletePrimaryRestart, why);
    }
}

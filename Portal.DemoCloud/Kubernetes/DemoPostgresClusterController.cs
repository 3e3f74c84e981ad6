using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// CloudNativePG's Cluster (postgresql.cnpg.io/v1), simulated closely enough to try every database action without a
/// cloud. Creation: "Setting up primary" (or the full-recovery job of a <c>bootstrap.recovery</c>), then one replica per
/// delay ("Creating a new replica"), then "Cluster in healthy state". Once running, in this order of precedence: a full
/// disk, hibernation (<c>cnpg.io/hibernation</c> annotation), instances becoming active again, a switchover
/// (<c>status.targetPrimary</c> set to another instance), an in-place major upgrade (a new major in <c>spec.imageName</c>),
/// a rolling update (new image, new <c>spec.resources</c> or a new <c>kubectl.kubernetes.io/restartedAt</c> annotation:
/// replicas first, the primary last), a scale up; a scale down is immediate and a volume resize runs beside the rest.
/// Phase texts, reasons and condition types are CloudNativePG's own (api/v1/cluster_types.go and the controllers).
/// Everything the simulation needs lives in the object (status) and the API's timing markers, both saved with the demo
/// state, so a restored Cluster carries on where it was.
/// <para>
/// How a client asks for each action: instances, storage, image and resources through the spec (server-side apply);
/// a restart with the <c>kubectl.kubernetes.io/restartedAt</c> annotation (any new value); hibernation with
/// <c>cnpg.io/hibernation: "on"</c> ("off" or no annotation wakes it); a switchover by writing
/// <c>status.targetPrimary</c> through the status subresource (<c>…/clusters/{name}/status</c>, merge patch or
/// server-side apply), which is what <c>kubectl cnpg promote</c> does — CloudNativePG has no annotation for it, and
/// status in a patch of the object itself is dropped, as the API server drops it for types with a status subresource.
/// </para>
/// </summary>
internal sealed partial class DemoPostgresClusterController : IDemoController
{
    public const string ApiVersion = "postgresql.cnpg.io/v1";
    public const string DefaultImage = "ghcr.io/cloudnative-pg/postgresql:17.5";
    public const string PhaseSettingUpPrimary = "Setting up primary";
    public const string PhaseCreatingReplica = "Creating a new replica";
    public const string PhaseHealthy = "Cluster in healthy state";
    public const string PhaseUpgrade = "Upgrading cluster";
    public const string PhaseMajorUpgrade = "Upgrading Postgres major version";
    public const string PhaseSwitchover = "Switchover in progress";
    public const string PhaseInplacePrimaryRestart = "Primary instance is being restarted in-place";
    public const string PhaseInplaceDeletePrimaryRestart = "Primary instance is being restarted without a switchover";
    public const string PhaseWaitingForInstancesToBeActive = "Waiting for the instances to become active";

    /// <summary>CloudNativePG's own text for a cluster that needs manual intervention (a failed bootstrap job).</summary>
    public const string PhaseUnrecoverable = "Cluster is unrecoverable and needs manual intervention";

    /// <summary>
    /// The phase the demo shows for a failure injected with <see cref="DemoKubernetesApi.FailNext(string, string?, string, string)"/>.
    /// Kept as the demo always wrote it (existing tests and screens rely on it); CloudNativePG's own wording is <see cref="PhaseUnrecoverable"/>.
    /// </summary>
    public const string PhaseInjectedFailure = "Cluster is in an unrecoverable state, needs manual intervention";

    public const string HibernationAnnotation = "cnpg.io/hibernation";
    public const string HibernationCondition = "cnpg.io/hibernation";
    public const string RestartAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary>
    /// Where the demo keeps what the real operator reads off its Pods and PVCs (the image and resources they run, the
    /// restart annotation they carry, the volume size, the instances already rolled): the demo has no Pods.
    /// </summary>
    internal const string OperandField = "demoOperand";

    public void Reconcile(DemoControllerContext context)
    {
        foreach (var cluster in context.List(ApiVersion, "Cluster"))
        {
            if (DemoKubeJson.IsDeleting(cluster))
                continue;
            var run = new ClusterRun(context, cluster);
            run.Step();
            var deleted = run.Bootstrapped ? ReconcileBackups(context, cluster, run) : [];
            var readTarget = DemoKubeJson.Text(cluster["status"]?["targetPrimary"]);
            context.Cluster.UpdateStatus(cluster, status =>
            {
                // A promote that landed while this tick ran is the client's newer word: keep it for the next tick.
                var liveTarget = DemoKubeJson.Text(status["targetPrimary"]);
                foreach (var key in status.Select(p => p.Key).ToList())
                    status.Remove(key);
                foreach (var (key, value) in run.Status)
                    status[key] = value?.DeepClone();
                if (liveTarget is not null && liveTarget != readTarget)
                    status["targetPrimary"] = liveTarget;
            });
            foreach (var backup in deleted)
                context.Cluster.Delete(backup);
            if (run.Ready >= 1)
                DemoPostgresClientObjects.Ensure(context, cluster);
        }
    }

    /// <summary>The major version in an image tag (<c>…/postgresql:16.4-bookworm</c> → 16); null when the tag does not start with one.</summary>
    internal static int? MajorVersion(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var withoutDigest = at < 0 ? image : image[..at];
        var colon = withoutDigest.LastIndexOf(':');
        if (colon < 0 || withoutDigest.IndexOf('/', colon) >= 0)
            return null;
        var digits = new string(withoutDigest[(colon + 1)..].TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major) ? major : null;
    }

    internal static JsonObject? FindCondition(JsonObject status, string type) =>
        (status["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => DemoKubeJson.Text(c["type"]) == type);

    internal static void RemoveCondition(JsonObject status, string type)
    {
        if (status["conditions"] is JsonArray conditions && FindCondition(status, type) is { } condition)
            conditions.Remove(condition);
    }
}

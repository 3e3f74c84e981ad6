using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// CloudNativePG's Cluster (postgresql.cnpg.io/v1): "Setting up primary" → "Creating a new replica" (one per replica
/// delay) → "Cluster in healthy state", with readyInstances, currentPrimary, instance names and the Ready condition
/// (ClusterIsReady / ClusterIsNotReady). Once the primary is up it creates what the operator creates for clients: the
/// <c>{name}-app</c> basic-auth Secret (unless initdb names its own) and the <c>-rw</c>, <c>-ro</c> and <c>-r</c> Services.
/// </summary>
internal sealed class DemoPostgresClusterController : IDemoController
{
    public const string ApiVersion = "postgresql.cnpg.io/v1";
    public const string PhaseSettingUpPrimary = "Setting up primary";
    public const string PhaseCreatingReplica = "Creating a new replica";
    public const string PhaseHealthy = "Cluster in healthy state";
    public const string PhaseUnrecoverable = "Cluster is in an unrecoverable state, needs manual intervention";

    public void Reconcile(DemoControllerContext context)
    {
        foreach (var cluster in context.List(ApiVersion, "Cluster"))
        {
            if (DemoKubeJson.IsDeleting(cluster))
                continue;
            var name = DemoStatus.Name(cluster);
            var desired = Math.Max(1, DemoKubeJson.Number(cluster["spec"]?["instances"]) ?? 1);
            var current = cluster["status"] as JsonObject;
            var ready = DemoStatus.Count(current, "readyInstances");
            var failure = context.Failure(cluster);

            if (current?["phase"] is null)
            {
                context.Restart(cluster, "step");
            }
            else if (failure is null)
            {
                var elapsed = context.Elapsed(cluster, "step");
                if (ready == 0 && elapsed >= context.Delays.PostgresPrimary)
                {
                    ready = 1;
                    context.Restart(cluster, "step");
                }
                else if (ready >= 1 && ready < desired && elapsed >= context.Delays.PostgresReplica)
                {
                    ready++;
                    context.Restart(cluster, "step");
                }
                else if (ready > desired)
                {
                    ready = desired;
                }
                if (ready == desired)
                    context.Restart(cluster, "step");
            }

            var (phase, phaseReason) = failure is not null ? (PhaseUnrecoverable, failure.Message)
                : ready == 0 ? (PhaseSettingUpPrimary, $"Creating primary instance {name}-1")
                : ready < desired ? (PhaseCreatingReplica, $"Creating replica {name}-{ready + 1}")
                : (PhaseHealthy, (string?)null);
            var created = Math.Min(desired, ready + 1);
            context.Cluster.UpdateStatus(cluster, status =>
            {
                status["instances"] = desired;
                DemoStatus.SetCount(status, "readyInstances", ready);
                status["phase"] = phase;
                if (phaseReason is null)
                    status.Remove("phaseReason");
                else
                    status["phaseReason"] = phaseReason;
                status["image"] = DemoKubeJson.Text(cluster["spec"]?["imageName"]) ?? "ghcr.io/cloudnative-pg/postgresql:17.5";
                status["instanceNames"] = new JsonArray(Enumerable.Range(1, (int)created).Select(i => (JsonNode?)$"{name}-{i}").ToArray());
                status["latestGeneratedNode"] = created;
                status["writeService"] = $"{name}-rw";
                status["readService"] = $"{name}-r";
                if (ready >= 1)
                {
                    status["currentPrimary"] = $"{name}-1";
                    status["targetPrimary"] = $"{name}-1";
                    status["instancesStatus"] = new JsonObject
                    {
                        ["healthy"] = new JsonArray(Enumerable.Range(1, (int)ready).Select(i => (JsonNode?)$"{name}-{i}").ToArray()),
                    };
                }
                if (failure is not null)
                    DemoStatus.SetCondition(status, "Ready", false, failure.Reason, failure.Message, context.Now);
                else if (ready == desired)
                    DemoStatus.SetCondition(status, "Ready", true, "ClusterIsReady", "Cluster is Ready", context.Now);
                else
                    DemoStatus.SetCondition(status, "Ready", false, "ClusterIsNotReady", "Cluster Is Not Ready", context.Now);
            });

            if (ready >= 1)
                EnsureClientObjects(context, cluster, name);
        }
    }

    private static void EnsureClientObjects(DemoControllerContext context, JsonObject cluster, string name)
    {
        var ns = DemoStatus.Namespace(cluster) ?? "default";
        var initdb = cluster["spec"]?["bootstrap"]?["initdb"] as JsonObject;
        var database = DemoKubeJson.Text(initdb?["database"]) ?? "app";
        var owner = DemoKubeJson.Text(initdb?["owner"]) ?? database;
        var host = $"{name}-rw";
        if (DemoKubeJson.Text(initdb?["secret"]?["name"]) is null && context.Get("v1", "Secret", ns, $"{name}-app") is null)
        {
            var password = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 64);
            context.Cluster.Apply(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{name}-app",
                    ["namespace"] = ns,
                    ["labels"] = new JsonObject { ["cnpg.io/cluster"] = name, ["cnpg.io/reload"] = "true", ["cnpg.io/userType"] = "app" },
                    ["ownerReferences"] = new JsonArray(DemoStatus.OwnerReference(cluster)),
                },
                ["type"] = "kubernetes.io/basic-auth",
                ["stringData"] = new JsonObject
                {
                    ["username"] = owner,
                    ["user"] = owner,
                    ["password"] = password,
                    ["dbname"] = database,
                    ["host"] = host,
                    ["port"] = "5432",
                    ["uri"] = $"postgresql://{owner}:{password}@{host}.{ns}:5432/{database}",
                    ["jdbc-uri"] = $"jdbc:postgresql://{host}.{ns}:5432/{database}?password={password}&user={owner}",
                },
            });
        }
        foreach (var (suffix, role) in (ReadOnlySpan<(string, string?)>)[("rw", "primary"), ("ro", "replica"), ("r", null)])
        {
            if (context.Get("v1", "Service", ns, $"{name}-{suffix}") is not null)
                continue;
            var selector = new JsonObject { ["cnpg.io/cluster"] = name };
            if (role is not null)
                selector["cnpg.io/instanceRole"] = role;
            context.Cluster.Apply(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{name}-{suffix}",
                    ["namespace"] = ns,
                    ["labels"] = new JsonObject { ["cnpg.io/cluster"] = name },
                    ["ownerReferences"] = new JsonArray(DemoStatus.OwnerReference(cluster)),
                },
                ["spec"] = new JsonObject
                {
                    ["type"] = "ClusterIP",
                    ["clusterIP"] = ClusterIp($"{ns}/{name}-{suffix}"),
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "postgres", ["port"] = 5432, ["protocol"] = "TCP", ["targetPort"] = 5432 }),
                    ["selector"] = selector,
                },
            });
        }
    }

    /// <summary>A stable address in the default service range (10.96.0.0/12).</summary>
    private static string ClusterIp(string key)
    {
        var hash = DemoStatus.Hash(key, 6);
        var value = Convert.ToInt32(hash, 16);
        return $"10.{96 + (value >> 16 & 0x0F)}.{value >> 8 & 0xFF}.{Math.Max(2, value & 0xFF)}";
    }
}

/// <summary>
/// apps/v1 Deployment: each new generation rolls out over the rollout delay; then replicas are updated, ready and
/// available, with the Available (MinimumReplicasAvailable) and Progressing (NewReplicaSetAvailable) conditions. An
/// injected failure shows as Available=False with its reason and message and Progressing=False (ProgressDeadlineExceeded).
/// </summary>
internal sealed class DemoDeploymentController : IDemoController
{
    public void Reconcile(DemoControllerContext context)
    {
        foreach (var deployment in context.List("apps/v1", "Deployment"))
        {
            if (DemoKubeJson.IsDeleting(deployment))
                continue;
            var name = DemoStatus.Name(deployment);
            var generation = DemoStatus.Generation(deployment);
            var desired = DemoKubeJson.Number(deployment["spec"]?["replicas"]) ?? 1;
            var current = deployment["status"] as JsonObject;
            var previousAvailable = DemoStatus.Count(current, "availableReplicas");
            var failure = context.Failure(deployment);
            var replicaSet = $"{name}-{DemoStatus.Hash(deployment["spec"]?["template"]?.ToJsonString() ?? name)}";
            var done = failure is null && context.Elapsed(deployment, $"rollout-{generation}") >= context.Delays.DeploymentRollout;

            context.Cluster.UpdateStatus(deployment, status =>
            {
                status["observedGeneration"] = generation;
                DemoStatus.SetCount(status, "replicas", desired);
                if (done)
                {
                    DemoStatus.SetCount(status, "updatedReplicas", desired);
                    DemoStatus.SetCount(status, "readyReplicas", desired);
                    DemoStatus.SetCount(status, "availableReplicas", desired);
                    status.Remove("unavailableReplicas");
                    DemoStatus.SetCondition(status, "Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.", context.Now);
                    DemoStatus.SetCondition(status, "Progressing", true, "NewReplicaSetAvailable", $"ReplicaSet \"{replicaSet}\" has successfully progressed.", context.Now);
                    return;
                }
                var available = Math.Min(previousAvailable, desired);
                status.Remove("updatedReplicas");
                DemoStatus.SetCount(status, "readyReplicas", available);
                DemoStatus.SetCount(status, "availableReplicas", available);
                DemoStatus.SetCount(status, "unavailableReplicas", desired - available);
                if (failure is not null)
                {
                    DemoStatus.SetCondition(status, "Available", false, failure.Reason, failure.Message, context.Now);
                    DemoStatus.SetCondition(status, "Progressing", false, "ProgressDeadlineExceeded", $"ReplicaSet \"{replicaSet}\" has timed out progressing.", context.Now);
                    return;
                }
                if (available >= desired && desired > 0)
                    DemoStatus.SetCondition(status, "Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.", context.Now);
                else
                    DemoStatus.SetCondition(status, "Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", context.Now);
                DemoStatus.SetCondition(status, "Progressing", true, "ReplicaSetUpdated", $"ReplicaSet \"{replicaSet}\" is progressing.", context.Now);
            });
        }
    }
}

using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

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

using Portal.Domain.Common;

namespace Portal.Domain.Clusters;

/// <summary>A group of worker nodes of one flavor and version in a cluster, scaled and upgraded on its own.</summary>
public sealed class NodePool : LifecycleResource
{
    private NodePool() { }

    public Guid Id { get; private set; }
    public Guid ClusterId { get; private set; }
    public KubernetesCluster? Cluster { get; private set; }
    public string Name { get; private set; } = "";
    public string FlavorId { get; private set; } = "";
    public string FlavorName { get; private set; } = "";
    public int FlavorVcpus { get; private set; }
    public int FlavorRamMb { get; private set; }
    public string ImageId { get; private set; } = "";
    public string ImageName { get; private set; } = "";
    public string KubernetesVersion { get; private set; } = "";
    /// <summary>The node count asked for. With the autoscaler on, the autoscaler moves it within its bounds.</summary>
    public int NodeCount { get; private set; }
    public bool AutoscalerEnabled { get; private set; }
    public int? AutoscalerMin { get; private set; }
    public int? AutoscalerMax { get; private set; }
    /// <summary>Nodes the cloud reports ready (reconciled).</summary>
    public int ReadyNodes { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public KubernetesVersion ParsedVersion => Clusters.KubernetesVersion.Parse(KubernetesVersion);

    public FlavorChoice Flavor => new(FlavorId, FlavorName, FlavorVcpus, FlavorRamMb);

    public override string Describe() => $"node pool {Name}";

    internal static NodePool Create(KubernetesCluster cluster, string name, FlavorChoice flavor, ImageChoice image, int nodeCount, AutoscalerBounds? autoscaler,
        Guid operationId, bool asPartOfCluster, DateTimeOffset now, Guid? id = null)
    {
        var pool = new NodePool
        {
            Id = id ?? Guid.NewGuid(),
            ClusterId = cluster.Id,
            Name = name,
            CreatedAt = now,
        };
        pool.SetFlavor(flavor);
        pool.SetImage(image);
        pool.NodeCount = nodeCount;
        pool.SetAutoscaler(autoscaler);
        pool.Enter(ClusterState.Pending, asPartOfCluster ? "Created with the cluster." : "Waiting for the operations engine to add it.", operationId, now);
        return pool;
    }

    /// <summary>Why the pool cannot be scaled to <paramref name="count"/>, or null.</summary>
    public Refusal? CheckScale(int? count)
    {
        var valid = ClusterRules.NodeCount(count);
        if (!valid.Succeeded) return valid.Refusal;
        if (WhyNotScaleByHand() is { } why) return Refusal.Conflict(why);
        if (valid.Value == NodeCount) return Refusal.Invalid(Fields.NodeCount, $"Node pool {Name} already has {count} {(count == 1 ? "node" : "nodes")}.");
        return null;
    }

    /// <summary>Why the pool's size cannot be set by hand, or null: the autoscaler owns it while it is on.</summary>
    public string? WhyNotScaleByHand() => AutoscalerEnabled
        ? $"The autoscaler sizes node pool {Name} between {AutoscalerMin} and {AutoscalerMax} nodes. Change its bounds, or turn it off to set the size by hand."
        : null;

    /// <summary>Why the pool cannot move to <paramref name="controlPlane"/>'s version, or null.</summary>
    public Refusal? CheckUpgrade(KubernetesVersion controlPlane) => WhyNotUpgradeTo(controlPlane) is { } why ? Refusal.Conflict(why) : null;

    /// <summary>The reason <see cref="CheckUpgrade"/> refuses by, or null: the pool is at or ahead of the control plane.</summary>
    public string? WhyNotUpgradeTo(KubernetesVersion controlPlane)
    {
        var current = ParsedVersion;
        if (current == controlPlane)
            return $"Node pool {Name} already runs the control plane's version {controlPlane}; there is nothing to upgrade.";
        if (current > controlPlane)
            return $"Node pool {Name} runs {current}, newer than the control plane's {controlPlane}. Upgrade the control plane first.";
        return null;
    }

    // ---- applied by the pool's operations ----

    public void ApplyNodeCount(int count, DateTimeOffset now)
    {
        if (ClusterRules.NodeCount(count) is { Succeeded: false } refused) throw new InvalidOperationException(refused.Refusal!.Message);
        NodeCount = count;
        UpdatedAt = now;
    }

    public void ApplyFlavor(FlavorChoice flavor, DateTimeOffset now)
    {
        SetFlavor(flavor);
        UpdatedAt = now;
    }

    public void ApplyImage(ImageChoice image, DateTimeOffset now)
    {
        SetImage(image);
        UpdatedAt = now;
    }

    public void ApplyAutoscaler(AutoscalerBounds? autoscaler, int nodeCount, DateTimeOffset now)
    {
        SetAutoscaler(autoscaler);
        NodeCount = nodeCount;
        UpdatedAt = now;
    }

    public void RecordObservation(int readyNodes, int? autoscaledCount, DateTimeOffset now)
    {
        if (ReadyNodes != readyNodes) ReadyNodes = readyNodes;
        if (AutoscalerEnabled && autoscaledCount is { } count && count != NodeCount && count >= (AutoscalerMin ?? 0) && count <= (AutoscalerMax ?? Limits.MaxNodesPerPool))
        {
            NodeCount = count;
            UpdatedAt = now;
        }
    }

    private void SetFlavor(FlavorChoice flavor)
    {
        FlavorId = flavor.ProviderId;
        FlavorName = flavor.Name;
        FlavorVcpus = flavor.Vcpus;
        FlavorRamMb = flavor.RamMb;
    }

    private void SetImage(ImageChoice image)
    {
        ImageId = image.ProviderId;
        ImageName = image.Name;
        KubernetesVersion = image.KubernetesVersion;
    }

    private void SetAutoscaler(AutoscalerBounds? autoscaler)
    {
        AutoscalerEnabled = autoscaler is not null;
        AutoscalerMin = autoscaler?.Min;
        AutoscalerMax = autoscaler?.Max;
    }
}

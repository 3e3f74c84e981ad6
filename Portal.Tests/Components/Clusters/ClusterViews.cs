using Portal.Domain.Clusters;

namespace Portal.Tests.Components.Clusters;

/// <summary>Builders for the cluster page's views, with every action allowed unless a test says why not.</summary>
internal static class ClusterViews
{
    public static readonly FlavorOption Small = new(Guid.NewGuid(), "m1.small", "flavor-small", 2, 4096, 20);
    public static readonly FlavorOption Medium = new(Guid.NewGuid(), "m1.medium", "flavor-medium", 4, 8192, 40);
    public static readonly IReadOnlyList<FlavorOption> Flavors = [Small, Medium];

    public static NodePoolView Pool(string name = "workers", int nodes = 3, bool autoscaler = false, int? min = null, int? max = null,
        string flavorId = "flavor-small", string? whyNotScale = null, string? whyNotChange = null) =>
        new(Guid.NewGuid(), name, "m1.small", flavorId, 2, 4096, "1.32.3-5", nodes, nodes, autoscaler, min, max, ClusterState.Active, "",
            null, null, null, whyNotChange, whyNotScale, null, null, 7);

    public static ClusterDetail Cluster(string name = "web", IReadOnlyList<string>? upgradeTargets = null, params NodePoolView[] pools) =>
        new(Guid.NewGuid(), name, Guid.NewGuid(), "Acme", Guid.NewGuid(), "shop", Guid.NewGuid(), "Public cloud", Guid.NewGuid(), "Demo", true,
            "public", "1.32.3-5", "1.32.3-5", "ubuntu-k8s-1.32", ControlPlaneType.Standalone, 3, 3, "m1.medium", ClusterState.Active, "",
            null, null, null, pools.Length == 0 ? [Pool()] : pools, upgradeTargets ?? ["1.33.1-1", "1.32.4-1"], true, true,
            null, null, null, null, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 4);
}

namespace Portal.Domain.Clusters;

/// <summary>Where a cluster's control plane runs. Chosen at creation and never changed.</summary>
public enum ControlPlaneType
{
    /// <summary>Standalone (SCP): control plane VMs in the tenant's cloud; 1 or 3 replicas on a chosen flavor.</summary>
    Standalone = 0,
    /// <summary>Hosted (HCP): run by the platform's management layer; always 3 replicas; no VMs or quota in the cloud.</summary>
    Hosted = 1,
}

/// <summary>Lifecycle of a managed Kubernetes cluster and of each of its node pools. Not a linear lifecycle.</summary>
public enum ClusterState
{
    /// <summary>Recorded; the create operation has not started yet.</summary>
    Pending = 0,
    /// <summary>The cloud is provisioning it.</summary>
    Creating = 1,
    /// <summary>Operational.</summary>
    Active = 2,
    /// <summary>A configuration change (such as a pool's flavor or autoscaler) is being applied.</summary>
    Updating = 3,
    /// <summary>The number of nodes or control plane replicas is changing.</summary>
    Scaling = 4,
    /// <summary>A Kubernetes version upgrade is rolling out.</summary>
    Upgrading = 5,
    /// <summary>An update or upgrade failed; still operational; recoverable by retrying or fixing the cause.</summary>
    Degraded = 6,
    /// <summary>Being removed with everything it owns.</summary>
    Deleting = 7,
    /// <summary>A fatal operation failed (such as creation); needs intervention or deletion.</summary>
    Error = 8,
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Data;

namespace Portal.Domain.Clusters;

/// <summary>
/// One change of a cluster's or node pool's lifecycle state, recorded in the same commit as the change itself (the
/// database context writes it for every state change it saves), so the lifecycle can be followed and audited.
/// </summary>
public sealed class StateTransition
{
    private StateTransition() { }

    public StateTransition(Guid clusterId, Guid? nodePoolId, string resourceName, ClusterState? from, ClusterState to, string reason, Guid? operationId, DateTimeOffset at)
    {
        ClusterId = clusterId;
        NodePoolId = nodePoolId;
        ResourceName = resourceName;
        From = from;
        To = to;
        Reason = reason.Length > LifecycleResource.ReasonMaxLength ? reason[..LifecycleResource.ReasonMaxLength] : reason;
        OperationId = operationId;
        At = at;
    }

    public long Id { get; private set; }
    public Guid ClusterId { get; private set; }
    /// <summary>Null for the cluster itself.</summary>
    public Guid? NodePoolId { get; private set; }
    public string ResourceName { get; private set; } = "";
    /// <summary>Null when the resource was created.</summary>
    public ClusterState? From { get; private set; }
    public ClusterState To { get; private set; }
    public string Reason { get; private set; } = "";
    public Guid? OperationId { get; private set; }
    public DateTimeOffset At { get; private set; }

    /// <summary>Adds a row for every cluster, node pool or database state change about to be saved (called by the context as it saves).</summary>
    internal static void RecordChanges(PortalDbContext db)
    {
        var transitions = new List<StateTransition>();
        foreach (var entry in db.ChangeTracker.Entries<LifecycleResource>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified)) continue;
            var state = entry.Property(e => e.State);
            var from = entry.State == EntityState.Added ? (ClusterState?)null : state.OriginalValue;
            if (from == state.CurrentValue) continue;
            var resource = entry.Entity;
            var (clusterId, poolId, name) = resource switch
            {
                KubernetesCluster c => (c.Id, (Guid?)null, c.Name),
                NodePool p => (p.ClusterId, (Guid?)p.Id, p.Cluster is { } owner ? $"{owner.Name}/{p.Name}" : p.Name),
                // A database has no parts: its own id stands where a cluster's does.
                Portal.Domain.Databases.ManagedDatabase d => (d.Id, (Guid?)null, d.Name),
                _ => throw new InvalidOperationException($"Unknown lifecycle resource {resource.GetType().Name}."),
            };
            transitions.Add(new StateTransition(clusterId, poolId, name, from, state.CurrentValue, resource.StateReason,
                resource.CurrentOperationId ?? resource.LastOperationId, resource.UpdatedAt));
        }
        if (transitions.Count > 0) db.StateTransitions.AddRange(transitions);
    }
}

public sealed class StateTransitionConfiguration : IEntityTypeConfiguration<StateTransition>
{
    public void Configure(EntityTypeBuilder<StateTransition> builder)
    {
        builder.ToTable("ClusterStateTransitions");
        builder.Property(t => t.Id).ValueGeneratedOnAdd();
        builder.Property(t => t.ResourceName).HasMaxLength(Common.Limits.ClusterNameMaxLength + Common.Limits.NodePoolNameMaxLength + 1);
        builder.Property(t => t.From).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.To).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Reason).HasMaxLength(LifecycleResource.ReasonMaxLength);
        // Kept after the cluster is deleted: the history outlives it, like operations do.
        builder.HasIndex(t => new { t.ClusterId, t.Id });
    }
}

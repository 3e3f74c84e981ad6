using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

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

using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Components.Clusters;

/// <summary>A node pool being filled in (the wizard's rows and the pool dialogs). Numbers stay nullable: a cleared field is sent as such and the server says it is required.</summary>
public sealed class PoolDraft
{
    public string? Name { get; set; }
    public Guid? FlavorId { get; set; }
    public int? NodeCount { get; set; } = 3;
    public bool Autoscaler { get; set; }
    public int? AutoscalerMin { get; set; }
    public int? AutoscalerMax { get; set; }

    public NodePoolRequest ToRequest() => new(Name, FlavorId, NodeCount, Autoscaler, Autoscaler ? AutoscalerMin : null, Autoscaler ? AutoscalerMax : null);

    /// <summary>Turns the autoscaler on around the pool's current size, or off.</summary>
    public void SetAutoscaler(bool enabled)
    {
        Autoscaler = enabled;
        if (!enabled) return;
        var size = NodeCount ?? Limits.MinNodesPerPool;
        AutoscalerMin ??= size;
        AutoscalerMax ??= Math.Min(Limits.MaxNodesPerPool, Math.Max(size * 2, 1));
    }
}

/// <summary>What the autoscaler dialog asks for: on or off, its bounds, and the pool's size (each null when its field was cleared).</summary>
public sealed record AutoscalerChange(bool Enabled, int? Min, int? Max, int? NodeCount);

using System.Text.RegularExpressions;
using Portal.Domain.Common;

namespace Portal.Domain.Clusters;

/// <summary>
/// A node pool as a person asks for it: name, flavor (catalog entry), size and optional autoscaler bounds. The size is
/// nullable like every number typed into a form: a cleared field reaches the rules, which say it is required.
/// </summary>
public sealed record NodePoolRequest(string? Name, Guid? FlavorId, int? NodeCount, bool AutoscalerEnabled = false, int? AutoscalerMin = null, int? AutoscalerMax = null);

/// <summary>Validated autoscaler bounds.</summary>
public sealed record AutoscalerBounds(int Min, int Max);

/// <summary>
/// The rules of managed Kubernetes that depend on nothing but the values: names, replica counts, node counts and
/// autoscaler bounds. Each refusal names the field and says what is allowed.
/// </summary>
public static partial class ClusterRules
{
    /// <summary>Cluster names become Kubernetes object names: a lowercase DNS label that starts with a letter.</summary>
    public static Result<string> ClusterName(string? raw) => DnsLabel(raw, Fields.Name, "cluster", Limits.ClusterNameMaxLength);

    public static Result<string> PoolName(string? raw, FieldKey field) => DnsLabel(raw, field, "node pool", Limits.NodePoolNameMaxLength);

    public static Result ControlPlaneReplicas(ControlPlaneType type, int replicas)
    {
        if (!Enum.IsDefined(type)) return Refusal.Invalid(Fields.ControlPlaneType, "Choose Standalone or Hosted.");
        if (type == ControlPlaneType.Hosted)
            return replicas == Limits.HostedControlPlaneReplicas
                ? Result.Ok()
                : Refusal.Invalid(Fields.ControlPlaneReplicas, $"A hosted control plane always runs {Limits.HostedControlPlaneReplicas} replicas.");
        return Limits.StandaloneControlPlaneReplicas.Contains(replicas)
            ? Result.Ok()
            : Refusal.Invalid(Fields.ControlPlaneReplicas, "A standalone control plane runs 1 replica (development) or 3 (highly available).");
    }

    public static Result<int> NodeCount(int? count) => NodeCount(count, Fields.NodeCount);

    /// <summary>A pool's size: given (a cleared field is refused as required, not as a number out of range) and within 0–20.</summary>
    public static Result<int> NodeCount(int? count, FieldKey field) =>
        count is null
            ? Refusal.Invalid(field, $"The number of nodes is required: {Limits.MinNodesPerPool} to {Limits.MaxNodesPerPool} (0 leaves the pool empty).")
            : count is >= Limits.MinNodesPerPool and <= Limits.MaxNodesPerPool
                ? count.Value
                : Refusal.Invalid(field, $"A node pool has {Limits.MinNodesPerPool} to {Limits.MaxNodesPerPool} nodes; {count} is outside that range. 0 empties the pool.");

    /// <summary>Autoscaler bounds within 0–20 with min ≤ max, and the pool's current size within them.</summary>
    public static Result<AutoscalerBounds?> Autoscaler(bool enabled, int? min, int? max, int nodeCount) =>
        Autoscaler(enabled, min, max, nodeCount, Fields.SinglePool);

    /// <summary>As <see cref="Autoscaler(bool, int?, int?, int)"/>, naming the fields of <paramref name="fields"/>.</summary>
    public static Result<AutoscalerBounds?> Autoscaler(bool enabled, int? min, int? max, int nodeCount, PoolFieldKeys fields)
    {
        if (!enabled) return (AutoscalerBounds?)null;
        if (min is null) return Refusal.Invalid(fields.AutoscalerMin, "The autoscaler's minimum number of nodes is required.");
        if (max is null) return Refusal.Invalid(fields.AutoscalerMax, "The autoscaler's maximum number of nodes is required.");
        if (min is < Limits.MinNodesPerPool or > Limits.MaxNodesPerPool)
            return Refusal.Invalid(fields.AutoscalerMin, $"The autoscaler's minimum must be between {Limits.MinNodesPerPool} and {Limits.MaxNodesPerPool}.");
        if (max is < Limits.MinNodesPerPool or > Limits.MaxNodesPerPool)
            return Refusal.Invalid(fields.AutoscalerMax, $"The autoscaler's maximum must be between {Limits.MinNodesPerPool} and {Limits.MaxNodesPerPool}.");
        if (min > max)
            return Refusal.Invalid(fields.AutoscalerMax, $"The autoscaler's minimum ({min}) must not be greater than its maximum ({max}).");
        if (nodeCount < min || nodeCount > max)
            return Refusal.Invalid(fields.NodeCount, $"With the autoscaler on, the pool's size ({nodeCount}) must be between its minimum ({min}) and maximum ({max}).");
        return new AutoscalerBounds(min.Value, max.Value);
    }

    /// <summary>
    /// Checks one pool's values (not its flavor, which needs the catalog). Refusals name the pool's own fields:
    /// <see cref="Fields.SinglePool"/> for a pool on its own, <see cref="Fields.Pool"/> for an item of a creation request.
    /// </summary>
    public static Result<(string Name, int NodeCount, AutoscalerBounds? Autoscaler)> Pool(NodePoolRequest pool, PoolFieldKeys fields)
    {
        var name = PoolName(pool.Name, fields.Name);
        if (!name.Succeeded) return name.Refusal!;
        var count = NodeCount(pool.NodeCount, fields.NodeCount);
        if (!count.Succeeded) return count.Refusal!;
        var autoscaler = Autoscaler(pool.AutoscalerEnabled, pool.AutoscalerMin, pool.AutoscalerMax, count.Value, fields);
        if (!autoscaler.Succeeded) return autoscaler.Refusal!;
        if (pool.FlavorId is null) return Refusal.Invalid(fields.Flavor, $"Choose a flavor for node pool '{name.Value}'.");
        return (name.Value!, count.Value, autoscaler.Value);
    }

    /// <summary>At least one pool, at most the limit, names unique within the cluster.</summary>
    public static Result PoolSet(IReadOnlyList<NodePoolRequest> pools)
    {
        if (PoolCountProblem(pools.Count) is { } problem) return Refusal.Invalid(Fields.Pools, problem);
        var duplicate = pools.Select(p => p.Name?.Trim().ToLowerInvariant()).GroupBy(n => n).FirstOrDefault(g => g.Key is not null && g.Count() > 1);
        return duplicate is null ? Result.Ok() : Refusal.Invalid(Fields.Pools, $"Two node pools are named '{duplicate.Key}'. Pool names are unique within a cluster.");
    }

    /// <summary>What is wrong with a cluster of <paramref name="count"/> node pools, or null: the rule <see cref="PoolSet"/> refuses by.</summary>
    public static string? PoolCountProblem(int count) =>
        count < 1 ? "A cluster needs at least one node pool."
        : count > Limits.MaxNodePoolsPerCluster ? $"A cluster has at most {Limits.MaxNodePoolsPerCluster} node pools."
        : null;

    /// <summary>Why a creation request with <paramref name="count"/> pools cannot gain one more (the wizard's "Add node pool"), or null.</summary>
    public static string? WhyNotAddRequestedPool(int count) => PoolCountProblem(count + 1);

    /// <summary>Why a creation request with <paramref name="count"/> pools cannot lose one (the wizard's "Remove"), or null.</summary>
    public static string? WhyNotRemoveRequestedPool(int count) => PoolCountProblem(count - 1);

    internal static Result<string> DnsLabel(string? raw, FieldKey field, string what, int maxLength)
    {
        var value = raw?.Trim() ?? "";
        if (value.Length == 0) return Refusal.Invalid(field, $"Give the {what} a name.");
        // Before the shape: the shape's message would not say which character of a name that looks right is wrong.
        if (HiddenCharacters.WhyNot(value, $"The {what} name") is { } hidden) return Refusal.Invalid(field, hidden);
        if (value.Length > maxLength) return Refusal.Invalid(field, $"A {what} name has at most {maxLength} characters.");
        if (!DnsLabelShape().IsMatch(value))
            return Refusal.Invalid(field, $"A {what} name uses lowercase letters, digits and hyphens, starts with a letter and ends with a letter or digit (it names objects in Kubernetes), for example 'web-prod'.");
        return value;
    }

    [GeneratedRegex("^[a-z]([a-z0-9-]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabelShape();
}

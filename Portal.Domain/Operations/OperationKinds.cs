using Portal.Domain.Clusters;
using Portal.Domain.ServiceConfigs;

namespace Portal.Domain.Operations;

/// <summary>
/// Every kind of operation the domain records, each with its declared steps: what the engine checks its handlers
/// against when it starts. A feature with operations adds its kinds here.
/// </summary>
public static class OperationKinds
{
    public static IReadOnlyList<OperationKind> All { get; } = [.. ClusterOperations.Kinds, .. PlatformOperations.Kinds, .. Databases.DatabaseOperations.Kinds];

    /// <summary>The declaration of <paramref name="name"/>, or null for a kind the domain does not record (the engine's own tests run such kinds).</summary>
    public static OperationKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);
}

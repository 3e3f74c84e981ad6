using Microsoft.Extensions.Logging;

namespace Portal.Jobs.Kubernetes;

/// <summary>The retry pipeline of the Kubernetes client's handler chain (transient faults, 429 with Retry-After).</summary>
internal static class KubeResilience
{
    /// <summary>A new handler per library instance: a handler can sit in one chain only.</summary>
    public static DelegatingHandler? Handler(KubernetesClientOptions options, TimeProvider clock, ILoggerFactory logs) => null;
}

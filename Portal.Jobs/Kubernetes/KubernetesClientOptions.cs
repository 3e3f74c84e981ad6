namespace Portal.Jobs.Kubernetes;

/// <summary>Timeouts, retry limits and apply settings of the Kubernetes client.</summary>
public sealed record KubernetesClientOptions
{
    /// <summary>How long one HTTP attempt may take, including reading the body. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long establishing a TCP (and TLS) connection may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt for transient faults (5xx, 429, timeouts, dropped connections). Default 3.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First backoff delay; it doubles per retry (with jitter), capped by <see cref="MaxRetryDelay"/>. Default 0.5 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of one backoff delay, including a server's Retry-After. Default 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The server-side apply field manager. Default "portal".</summary>
    public string FieldManager { get; init; } = "portal";

    /// <summary>Items asked per list page (<c>limit</c>); the client follows <c>continue</c> tokens. Default 500.</summary>
    public int ListPageSize { get; init; } = 500;

    /// <summary>Safety stop for lists whose continue tokens never end.</summary>
    public int MaxPages { get; init; } = 10_000;

    /// <summary>Largest response body accepted, in bytes. Default 64 MB.</summary>
    public long MaxResponseBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How long discovery answers (plural names, scope) are reused per server. Default 10 min.</summary>
    public TimeSpan DiscoveryCacheLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Deletion propagation for <c>DeleteAsync</c>: Background (kubectl's default), Foreground or Orphan.</summary>
    public string DeletePropagation { get; init; } = "Background";

    /// <summary>How long the server keeps one watch open (<c>timeoutSeconds</c>) before the watcher lists and watches again. Default 5 min.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Sent as the User-Agent header.</summary>
    public string UserAgent { get; init; } = "Portal-Kubernetes-Client/1.0";
}

namespace Portal.Jobs.OpenStack;

/// <summary>Timeouts and retry limits of the OpenStack client.</summary>
public sealed record OpenStackClientOptions
{
    /// <summary>How long one HTTP attempt may take, including reading the body. Default 20 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Retries after the first attempt for transient faults (5xx, 429, timeouts, connection resets on GETs). Default 2.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First backoff delay; it doubles per retry (with jitter), capped by <see cref="MaxRetryDelay"/>. Default 0.5 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of one backoff delay, including a server's Retry-After. Default 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A token is renewed this long before Keystone says it expires. Default 2 min.</summary>
    public TimeSpan TokenRefreshMargin { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Page size asked of Nova, Glance and Neutron (services cap it at their own maximum, usually 1000).</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>Safety stop for pagination that never ends.</summary>
    public int MaxPages { get; init; } = 10_000;

    /// <summary>Largest response body accepted, in bytes. Default 64 MB.</summary>
    public long MaxResponseBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Sent as the User-Agent header.</summary>
    public string UserAgent { get; init; } = "Portal-OpenStack-Client/1.0";
}

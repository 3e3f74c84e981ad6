using Portal.Jobs.OpenStack;

namespace Portal.DemoCloud;

/// <summary>Knobs of the in-process demo cloud: extra synthetic catalog entries, token lifetime, latency, paging limits.</summary>
public sealed record DemoCloudOptions
{
    /// <summary>Synthetic flavors added after the realistic seed set (for paging tests and benchmarks).</summary>
    public int SyntheticFlavorCount { get; init; }

    /// <summary>Synthetic images added after the realistic seed set (for paging tests and benchmarks).</summary>
    public int SyntheticImageCount { get; init; }

    /// <summary>How long an issued token is valid. Keystone's default is one hour.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Delay added to every answer, to make the demo feel like a network service. Zero by default.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Nova's largest page (osapi_max_limit); also its page size when none is asked for.</summary>
    public int NovaMaxLimit { get; init; } = 1000;

    /// <summary>Glance's page size when none is asked for (limit_param_default).</summary>
    public int GlanceDefaultLimit { get; init; } = 25;

    /// <summary>Glance's largest page (api_limit_max).</summary>
    public int GlanceMaxLimit { get; init; } = 1000;

    /// <summary>
    /// The folder where the demo cloud keeps what changes while it runs (<c>demo-openstack.json</c>), so that it is the
    /// same after a restart of the portal. Null (the default, and what tests use) keeps everything in memory only.
    /// </summary>
    public string? StateFolder { get; init; }

    /// <summary>The project's absolute compute limits and usage that Nova reports.</summary>
    public ComputeLimits ComputeLimits { get; init; } = new(
        MaxInstances: 50, MaxCores: 200, MaxRamMb: 512_000, UsedInstances: 3, UsedCores: 12, UsedRamMb: 24_576);
}

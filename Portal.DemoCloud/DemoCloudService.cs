using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Jobs.OpenStack;

namespace Portal.DemoCloud;

/// <summary>
/// The embedded "Demo cloud": an in-process stand-in for Keystone, Nova, Glance and Neutron, reached through
/// <see cref="Handler"/> (no network). The real <see cref="OpenStackClient"/> runs against it unchanged. It holds a
/// realistic catalog (a dozen flavors in several families, Ubuntu/Debian/Flatcar images and Kubernetes node images,
/// two external networks) plus optional synthetic entries, issues and checks tokens, and can be told to fail
/// upcoming calls with a chosen HTTP status. Register as a singleton.
/// </summary>
public sealed class DemoCloudService
{
    /// <summary>The reserved host name of the demo cloud (".invalid" never resolves, so nothing leaves the process).</summary>
    public const string Host = "demo-cloud.portal.invalid";

    /// <summary>How the demo cloud is labelled wherever it is shown.</summary>
    public const string DisplayName = "Demo cloud";

    /// <summary>The only region of the demo cloud.</summary>
    public const string Region = "demo-1";

    /// <summary>The built-in application credential the demo cloud accepts. Not a secret: it opens nothing real.</summary>
    public const string ApplicationCredentialId = "demo-cloud-portal";

    /// <inheritdoc cref="ApplicationCredentialId"/>
    public const string ApplicationCredentialSecret = "demo-cloud-credential";

    /// <summary>User, password and project of the password login the demo cloud also accepts (domain "Default").</summary>
    public const string UserName = "demo";

    /// <inheritdoc cref="UserName"/>
    public const string Password = "demo";

    /// <inheritdoc cref="UserName"/>
    public const string ProjectName = "demo";

    internal const int IdentityPort = 5000;
    internal const int ComputePort = 8774;
    internal const int ImagePort = 9292;
    internal const int NetworkPort = 9696;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DemoFault> _faults = new();
    private readonly Dictionary<string, int> _flavorIndex;
    private readonly Dictionary<string, int> _imageIndex;
    private ComputeLimits _computeLimits;
    private int _requestCount;
    private int _tokensIssued;

    public DemoCloudService(TimeProvider clock, DemoCloudOptions? options = null)
    {
        Clock = clock;
        Options = options ?? new DemoCloudOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(Options.SyntheticFlavorCount);
        ArgumentOutOfRangeException.ThrowIfNegative(Options.SyntheticImageCount);
        var flavors = DemoCloudData.Flavors(Options.SyntheticFlavorCount);
        var images = DemoCloudData.Images(Options.SyntheticImageCount);
        FlavorRows = flavors;
        ImageRows = images;
        Flavors = flavors.Select(static f => f.Flavor).ToArray();
        Images = images.Select(static i => i.Image).ToArray();
        NetworkRows = DemoCloudData.Networks();
        ExternalNetworks = NetworkRows.Where(static n => n.Network.IsExternal).Select(static n => n.Network).ToArray();
        _flavorIndex = Index(Flavors.Select(static f => f.Id));
        _imageIndex = Index(Images.Select(static i => i.Id));
        _computeLimits = Options.ComputeLimits;
        Handler = new DemoCloudHandler(this);
    }

    /// <summary>A demo cloud on the system clock with default options.</summary>
    public DemoCloudService()
        : this(TimeProvider.System)
    {
    }

    /// <summary>The Keystone v3 auth URL of the demo cloud.</summary>
    public static Uri AuthUrl { get; } = new($"https://{Host}:{IdentityPort}/v3");

    /// <summary>The built-in application credential.</summary>
    public static ApplicationCredential Credential { get; } = new(ApplicationCredentialId, ApplicationCredentialSecret);

    /// <summary>The complete connection to the demo cloud: nothing to enter.</summary>
    public static OpenStackConnection Connection { get; } = new(AuthUrl, Region, EndpointInterface.Public, Credential);

    /// <summary>Whether a connection points at the demo cloud.</summary>
    public static bool IsDemo(OpenStackConnection connection) => IsDemo(connection.AuthUrl);

    /// <summary>Whether a URL points at the demo cloud.</summary>
    public static bool IsDemo(Uri url) => url.IsAbsoluteUri && string.Equals(url.Host, Host, StringComparison.OrdinalIgnoreCase);

    public DemoCloudOptions Options { get; }

    /// <summary>The in-process transport answering the OpenStack APIs. Shared; never dispose it.</summary>
    public HttpMessageHandler Handler { get; }

    /// <summary>Every flavor Nova lists, in listing order.</summary>
    public IReadOnlyList<OsFlavor> Flavors { get; }

    /// <summary>Every image Glance lists, in listing order.</summary>
    public IReadOnlyList<OsImage> Images { get; }

    /// <summary>Networks with router:external=true.</summary>
    public IReadOnlyList<OsNetwork> ExternalNetworks { get; }

    /// <summary>The absolute limits and usage Nova reports; the demo's simulated workloads may change the usage.</summary>
    public ComputeLimits ComputeLimits
    {
        get => Volatile.Read(ref _computeLimits);
        set => Volatile.Write(ref _computeLimits, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Requests answered so far (all services).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Tokens issued so far.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>
    /// Makes the next <paramref name="count"/> calls (to <paramref name="serviceType"/> — "identity", "compute", "image"
    /// or "network" — or to any service when null) fail with <paramref name="status"/> and that service's error body.
    /// </summary>
    public void FailNext(HttpStatusCode status, string? serviceType = null, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (serviceType is not null && serviceType is not ("identity" or "compute" or "image" or "network"))
            throw new ArgumentException("The service type must be identity, compute, image or network.", nameof(serviceType));
        for (var i = 0; i < count; i++)
            _faults.Enqueue(new DemoFault(status, serviceType));
    }

    /// <summary>Forgets every failure queued by <see cref="FailNext"/>.</summary>
    public void ClearFailures() => _faults.Clear();

    /// <summary>Invalidates every issued token (as if Keystone's keys rotated): the next service call answers 401.</summary>
    public void RevokeAllTokens() => _tokens.Clear();

    internal TimeProvider Clock { get; }
    internal IReadOnlyList<DemoFlavorRow> FlavorRows { get; }
    internal IReadOnlyList<DemoImageRow> ImageRows { get; }
    internal IReadOnlyList<DemoNetworkRow> NetworkRows { get; }
    internal static string ProjectId { get; } = DemoCloudData.HexId("project/demo");
    internal static string UserId { get; } = DemoCloudData.HexId("user/demo");

    internal void CountRequest() => Interlocked.Increment(ref _requestCount);

    // ---- Saved state -------------------------------------------------------------------------------------------
    // The catalog (flavors, images, networks, ids) is rebuilt identically from the options at every start, so only
    // what can change while the portal runs is saved: the compute limits and usage. Tokens are deliberately not saved:
    // they are bearer secrets, and a restarted portal signs in again anyway. Counters and queued faults are test aids.

    /// <summary>The layout of the saved document; a file with another one is set aside, not guessed at.</summary>
    internal const int StateFormat = 1;

    /// <summary>Changes whenever the saved state changes.</summary>
    internal object StateStamp() => ComputeLimits;

    internal JsonObject CaptureState()
    {
        var limits = ComputeLimits;
        return new JsonObject
        {
            ["format"] = StateFormat,
            ["computeLimits"] = new JsonObject
            {
                ["maxInstances"] = limits.MaxInstances,
                ["maxCores"] = limits.MaxCores,
                ["maxRamMb"] = limits.MaxRamMb,
                ["usedInstances"] = limits.UsedInstances,
                ["usedCores"] = limits.UsedCores,
                ["usedRamMb"] = limits.UsedRamMb,
            },
        };
    }

    /// <summary>Takes over a saved state; throws <see cref="InvalidDataException"/> (changing nothing) when it is not one.</summary>
    internal void RestoreState(JsonObject state)
    {
        if (Number(state, "format") != StateFormat)
            throw new InvalidDataException($"its format is not {StateFormat}");
        if (state["computeLimits"] is not JsonObject limits)
            throw new InvalidDataException("it has no compute limits");
        ComputeLimits = new ComputeLimits(Number(limits, "maxInstances"), Number(limits, "maxCores"), Number(limits, "maxRamMb"),
            Number(limits, "usedInstances"), Number(limits, "usedCores"), Number(limits, "usedRamMb"));

        static int Number(JsonObject node, string field) =>
            node[field] is JsonValue value && value.TryGetValue<int>(out var number)
                ? number
                : throw new InvalidDataException($"'{field}' is not a whole number");
    }

    internal int FlavorPosition(string id) => _flavorIndex.GetValueOrDefault(id, -1);

    internal int ImagePosition(string id) => _imageIndex.GetValueOrDefault(id, -1);

    /// <summary>Takes the first queued failure when it applies to <paramref name="serviceType"/>.</summary>
    internal DemoFault? TakeFault(string serviceType)
    {
        while (_faults.TryPeek(out var fault))
        {
            if (fault.ServiceType is not null && fault.ServiceType != serviceType)
                return null;
            if (_faults.TryDequeue(out var taken))
                return taken;
        }
        return null;
    }

    internal (string Token, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt) IssueToken()
    {
        var now = Clock.GetUtcNow();
        foreach (var (stale, expiry) in _tokens)
        {
            if (expiry <= now)
                _tokens.TryRemove(stale, out _);
        }
        var token = "demo" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var expires = now + Options.TokenLifetime;
        _tokens[token] = expires;
        Interlocked.Increment(ref _tokensIssued);
        return (token, now, expires);
    }

    internal bool IsValidToken(string? token) =>
        token is not null && _tokens.TryGetValue(token, out var expires) && Clock.GetUtcNow() < expires;

    private static Dictionary<string, int> Index(IEnumerable<string> ids)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var id in ids)
            index[id] = i++;
        return index;
    }
}

internal sealed record DemoFault(HttpStatusCode Status, string? ServiceType);

internal sealed record DemoFlavorRow(OsFlavor Flavor, string Description);

internal sealed record DemoImageRow(OsImage Image, string DiskFormat, long Size, long VirtualSize, string Checksum, string HashValue, string CreatedAt);

internal sealed record DemoNetworkRow(OsNetwork Network, string SubnetId, int Mtu, string NetworkType, string? PhysicalNetwork, bool IsDefault, string Description);

/// <summary>The demo cloud's catalog: realistic seed entries and deterministic synthetic ones (stable ids across restarts).</summary>
internal static class DemoCloudData
{
    private const string CreatedAt = "2026-01-12T09:30:00Z";

    public static IReadOnlyList<DemoFlavorRow> Flavors(int synthetic)
    {
        (string Name, int Vcpus, int RamMb, int DiskGb, bool IsPublic, string Family)[] seed =
        [
            ("m1.small", 1, 2048, 20, true, "general purpose"),
            ("m1.medium", 2, 4096, 40, true, "general purpose"),
            ("m1.large", 4, 8192, 80, true, "general purpose"),
            ("m1.xlarge", 8, 16384, 160, true, "general purpose"),
            ("c2.large", 4, 4096, 40, true, "compute optimised"),
            ("c2.xlarge", 8, 8192, 80, true, "compute optimised"),
            ("c2.2xlarge", 16, 16384, 80, true, "compute optimised"),
            ("r2.large", 2, 16384, 40, true, "memory optimised"),
            ("r2.xlarge", 4, 32768, 80, true, "memory optimised"),
            ("r2.2xlarge", 8, 65536, 160, true, "memory optimised"),
            ("g1.gpu.xlarge", 8, 65536, 200, true, "GPU"),
            ("g1.gpu.2xlarge", 16, 131072, 400, false, "GPU"),
        ];
        var rows = new List<DemoFlavorRow>(seed.Length + synthetic);
        foreach (var f in seed)
        {
            rows.Add(new DemoFlavorRow(new OsFlavor(Uuid("flavor/" + f.Name), f.Name, f.Vcpus, f.RamMb, f.DiskGb, f.IsPublic),
                $"{DemoCloudService.DisplayName}: {f.Family}"));
        }
        for (var i = 1; i <= synthetic; i++)
        {
            var vcpus = 1 << (i % 6);
            var name = $"synthetic-flavor-{i:D5}";
            rows.Add(new DemoFlavorRow(new OsFlavor(Uuid("flavor/" + name), name, vcpus, vcpus * 2048, 20 + i % 8 * 10, true),
                $"{DemoCloudService.DisplayName}: synthetic"));
        }
        return rows;
    }

    public static IReadOnlyList<DemoImageRow> Images(int synthetic)
    {
        var rows = new List<DemoImageRow>(7 + synthetic)
        {
            Image("ubuntu-22.04", "raw", 512, 10, 2_361_393_152, Props("ubuntu", "22.04", "Ubuntu 22.04 LTS (Jammy Jellyfish)")),
            Image("ubuntu-24.04", "raw", 512, 10, 2_469_396_480, Props("ubuntu", "24.04", "Ubuntu 24.04 LTS (Noble Numbat)")),
            Image("debian-12", "qcow2", 512, 4, 349_372_416, Props("debian", "12", "Debian 12 (bookworm)")),
            Image("flatcar-stable-4152.2.3", "qcow2", 1024, 10, 497_549_312, Props("flatcar", "4152.2.3", "Flatcar Container Linux stable")),
            Image("ubuntu-2204-kube-v1.31.6-2", "qcow2", 2048, 20, 1_302_331_392, Kube("22.04", "1.31.6-2")),
            Image("ubuntu-2404-kube-v1.32.3-5", "qcow2", 2048, 20, 1_389_363_200, Kube("24.04", "1.32.3-5")),
            Image("ubuntu-2404-kube-v1.33.1-1", "qcow2", 2048, 20, 1_411_383_296, Kube("24.04", "1.33.1-1")),
        };
        string[] kubeVersions = ["1.31.6-2", "1.32.3-5", "1.33.1-1"];
        for (var i = 1; i <= synthetic; i++)
        {
            var properties = i % 3 == 0
                ? Kube("24.04", kubeVersions[i / 3 % kubeVersions.Length])
                : Props("ubuntu", "24.04", "Synthetic image");
            rows.Add(Image($"synthetic-image-{i:D5}", "qcow2", 512, 10 + i % 5 * 10, 104_857_600 + i, properties));
        }
        return rows;
    }

    public static IReadOnlyList<DemoNetworkRow> Networks() =>
    [
        new(new OsNetwork(Uuid("network/public"), "public", true, "ACTIVE"), Uuid("subnet/public"), 1500, "flat", "physnet1", true,
            $"{DemoCloudService.DisplayName}: external network (IPv4)"),
        new(new OsNetwork(Uuid("network/public-v6"), "public-v6", true, "ACTIVE"), Uuid("subnet/public-v6"), 1500, "flat", "physnet2", false,
            $"{DemoCloudService.DisplayName}: external network (IPv6)"),
        new(new OsNetwork(Uuid("network/demo-private"), "demo-private", false, "ACTIVE"), Uuid("subnet/demo-private"), 1450, "vxlan", null, false,
            $"{DemoCloudService.DisplayName}: project network"),
    ];

    /// <summary>A stable UUID derived from a name, so ids survive restarts of the portal.</summary>
    public static string Uuid(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("demo-cloud/" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }

    /// <summary>A stable 32-hex-digit id in Keystone's style.</summary>
    public static string HexId(string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("demo-cloud/" + name)).AsSpan(0, 16));

    private static Dictionary<string, string> Props(string distro, string version, string description) => new(StringComparer.Ordinal)
    {
        ["os_distro"] = distro,
        ["os_version"] = version,
        ["architecture"] = "x86_64",
        ["hw_disk_bus"] = "scsi",
        ["hw_scsi_model"] = "virtio-scsi",
        ["hw_qemu_guest_agent"] = "yes",
        ["description"] = $"{DemoCloudService.DisplayName}: {description}",
    };

    private static Dictionary<string, string> Kube(string ubuntu, string kubeVersion)
    {
        var properties = Props("ubuntu", ubuntu, $"Kubernetes {kubeVersion} node image on Ubuntu {ubuntu}");
        properties["kube_version"] = kubeVersion;
        return properties;
    }

    private static DemoImageRow Image(string name, string diskFormat, int minRamMb, int minDiskGb, long size, Dictionary<string, string> properties)
    {
        var id = Uuid("image/" + name);
        var bytes = Encoding.UTF8.GetBytes(name);
        return new DemoImageRow(
            new OsImage(id, name, minRamMb, minDiskGb, "active", "public", properties),
            diskFormat,
            size,
            diskFormat == "raw" ? size : size * 3,
            Convert.ToHexStringLower(MD5.HashData(bytes)),
            Convert.ToHexStringLower(SHA512.HashData(bytes)),
            CreatedAt);
    }
}

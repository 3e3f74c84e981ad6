using System.Globalization;
using Portal.Jobs.OpenStack;

namespace Portal.Jobs.Clusters;

/// <summary>The outcome of one pre-flight check.</summary>
public enum PreflightStatus
{
    Passed,
    /// <summary>The cloud says no: creating the cluster would fail. Blocks creation.</summary>
    Failed,
    /// <summary>The check could not run (provider down, rejected credentials, timeout). Never counts as a pass.</summary>
    Warning,
}

/// <summary>One check and what it found, worded for the review step of the creation wizard.</summary>
public sealed record PreflightCheck(string Name, PreflightStatus Status, string Message);

/// <summary>VMs of one flavor the new cluster needs (a node pool, or the Standalone control plane).</summary>
/// <param name="Count">Machines of this flavor; 0 is allowed (an empty pool still needs its flavor to exist).</param>
public sealed record PreflightMachines(string FlavorProviderId, string FlavorName, int VCpus, int RamMb, int Count);

/// <summary>
/// What a new cluster asks of its infrastructure's cloud. A Hosted control plane uses nothing in the cloud, so the
/// caller lists only the pools then; a Standalone one adds its replicas on the control plane flavor.
/// </summary>
public sealed record PreflightRequest(
    Guid InfrastructureId,
    IReadOnlyList<PreflightMachines> Machines,
    string ImageProviderId,
    string ImageName,
    string ExternalNetworkId,
    string ExternalNetworkName)
{
    public int Instances => Machines.Sum(m => m.Count);

    public int VCpus => Machines.Sum(m => m.Count * m.VCpus);

    public int RamMb => Machines.Sum(m => m.Count * m.RamMb);
}

/// <summary>
/// Pre-flight checks for a new managed cluster against its infrastructure's cloud, with the infrastructure's own
/// credentials: quota headroom for the VMs, vCPUs and RAM (Nova absolute limits), the chosen flavors and image still
/// present (the image also active), and the external network still present. Read-only; nothing is created.
/// A check that cannot run is a <see cref="PreflightStatus.Warning"/> carrying the provider's message, never a pass.
/// </summary>
public sealed class ClusterPreflight(IOpenStackClientFactory clients)
{
    public const string QuotaCheck = "Compute quota";
    public const string ImageCheck = "Image";
    public const string NetworkCheck = "External network";

    public static string FlavorCheck(string flavorName) => $"Flavor {flavorName}";

    public async Task<IReadOnlyList<PreflightCheck>> RunAsync(OpenStackConnection connection, PreflightRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        var client = clients.Create(connection);
        var checks = new List<PreflightCheck> { Quota(request, await client.GetComputeLimitsAsync(ct)) };
        checks.AddRange(Flavors(request, await client.ListFlavorsAsync(ct)));
        checks.Add(Image(request, await client.ListImagesAsync(ct)));
        checks.Add(Network(request, await client.ListExternalNetworksAsync(ct)));
        return checks;
    }

    private static PreflightCheck Quota(PreflightRequest request, RemoteResult<ComputeLimits> limits)
    {
        if (!limits.Succeeded)
            return CouldNotCheck(QuotaCheck, "the compute quota", limits.Error);
        var quota = limits.Value;
        var needs = $"needs {Vms(request.Instances)}, {request.VCpus} vCPUs, {Gib(request.RamMb)}";
        var free = $"{Free(quota.AvailableInstances, Vms)}, {Free(quota.AvailableCores, c => $"{c} vCPUs")}, {Free(quota.AvailableRamMb, Gib)} free";
        var shortOf = new List<string>();
        if (quota.AvailableInstances is { } instances && instances < request.Instances)
            shortOf.Add(Vms(request.Instances - instances));
        if (quota.AvailableCores is { } cores && cores < request.VCpus)
            shortOf.Add($"{request.VCpus - cores} vCPUs");
        if (quota.AvailableRamMb is { } ram && ram < request.RamMb)
            shortOf.Add(Gib(request.RamMb - ram));
        return shortOf.Count == 0
            ? new PreflightCheck(QuotaCheck, PreflightStatus.Passed, $"{Capitalize(needs)}; {free}.")
            : new PreflightCheck(QuotaCheck, PreflightStatus.Failed,
                $"Not enough quota: {needs}; {free} (short by {string.Join(", ", shortOf)}). Free capacity or ask for a higher quota.");
    }

    private static IEnumerable<PreflightCheck> Flavors(PreflightRequest request, RemoteResult<IReadOnlyList<OsFlavor>> flavors)
    {
        foreach (var chosen in request.Machines.DistinctBy(m => m.FlavorProviderId))
        {
            var name = FlavorCheck(chosen.FlavorName);
            if (!flavors.Succeeded)
            {
                yield return CouldNotCheck(name, "the flavors", flavors.Error);
                continue;
            }
            var found = flavors.Value.FirstOrDefault(f => f.Id == chosen.FlavorProviderId);
            yield return found is null
                ? new PreflightCheck(name, PreflightStatus.Failed, $"Flavor {chosen.FlavorName} ({chosen.FlavorProviderId}) no longer exists in the cloud.")
                : new PreflightCheck(name, PreflightStatus.Passed, $"{found.Name} is available ({found.Vcpus} {(found.Vcpus == 1 ? "vCPU" : "vCPUs")}, {Gib(found.RamMb)}).");
        }
    }

    private static PreflightCheck Image(PreflightRequest request, RemoteResult<IReadOnlyList<OsImage>> images)
    {
        if (!images.Succeeded)
            return CouldNotCheck(ImageCheck, "the images", images.Error);
        var found = images.Value.FirstOrDefault(i => i.Id == request.ImageProviderId);
        if (found is null)
            return new PreflightCheck(ImageCheck, PreflightStatus.Failed, $"Image {request.ImageName} ({request.ImageProviderId}) no longer exists in the cloud.");
        return string.Equals(found.Status, "active", StringComparison.OrdinalIgnoreCase)
            ? new PreflightCheck(ImageCheck, PreflightStatus.Passed, $"{found.Name} is present and active.")
            : new PreflightCheck(ImageCheck, PreflightStatus.Failed, $"Image {found.Name} is {found.Status}, not active: servers cannot boot from it.");
    }

    private static PreflightCheck Network(PreflightRequest request, RemoteResult<IReadOnlyList<OsNetwork>> networks)
    {
        if (!networks.Succeeded)
            return CouldNotCheck(NetworkCheck, "the external networks", networks.Error);
        var found = networks.Value.FirstOrDefault(n => n.Id == request.ExternalNetworkId);
        return found is null
            ? new PreflightCheck(NetworkCheck, PreflightStatus.Failed,
                $"External network {request.ExternalNetworkName} ({request.ExternalNetworkId}) no longer exists in the cloud (or is no longer external).")
            : new PreflightCheck(NetworkCheck, PreflightStatus.Passed, $"{found.Name} is present.");
    }

    private static PreflightCheck CouldNotCheck(string name, string what, RemoteError error) =>
        new(name, PreflightStatus.Warning, $"Could not check {what}: {error.Message}");

    private static string Vms(int count) => count == 1 ? "1 VM" : $"{count} VMs";

    private static string Gib(int ramMb) => (ramMb / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " GiB";

    private static string Free(int? available, Func<int, string> format) => available is { } value ? format(value) : "unlimited " + format(0).Split(' ')[^1];

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

using Portal.Domain.Infrastructures;
using Portal.Jobs.OpenStack;

namespace Portal.Jobs.Infrastructures;

public enum ProbeStatus
{
    Passed = 0,
    Failed = 1,
    /// <summary>Not run because an earlier check failed.</summary>
    Skipped = 2,
    /// <summary>Ran, but found something an operator should know (e.g. no external networks).</summary>
    Warning = 3,
}

public sealed record ProbeCheck(string Name, ProbeStatus Status, string Detail);

/// <summary>Everything a registration learns from the cloud: each check's outcome and what the cloud lists.</summary>
public sealed record ProbeReport(
    IReadOnlyList<ProbeCheck> Checks,
    IReadOnlyList<OsFlavor> Flavors,
    IReadOnlyList<OsImage> Images,
    IReadOnlyList<OsNetwork> ExternalNetworks)
{
    public bool Succeeded => Checks.All(c => c.Status is ProbeStatus.Passed or ProbeStatus.Warning);

    public string Summary => Succeeded
        ? $"Authenticated; {Flavors.Count} flavors, {Images.Count} images, {ExternalNetworks.Count} external networks."
        : Checks.First(c => c.Status == ProbeStatus.Failed) is var failed ? $"{failed.Name}: {failed.Detail}" : "";

    public ConnectionCheck ToCheck() => new(Succeeded, Summary);
}

/// <summary>
/// Validates a connection for real: authenticate, read the service catalog, then list flavors, images and
/// external networks. Each step is reported; a failed step stops the ones that depend on it.
/// </summary>
public sealed class ConnectionProbe(IOpenStackClientFactory clients, CloudProviders cloudProviders)
{
    public const string Authenticate = "Authenticate with Keystone";
    public const string Catalog = "Read the service catalog";
    public const string Flavors = "List flavors (Nova)";
    public const string Images = "List images (Glance)";
    public const string Networks = "List external networks (Neutron)";

    public async Task<ProbeReport> ProbeAsync(InfrastructureProvider provider, ConnectionSettings? settings, string? secret, CancellationToken ct = default)
    {
        var checks = new List<ProbeCheck>();
        var connection = cloudProviders.For(provider).Connection(settings, secret);
        if (connection.Validate() is { } invalid)
            return Failed(checks, Authenticate, invalid.Message);

        var client = clients.Create(connection);
        var auth = await client.AuthenticateAsync(ct);
        if (!auth.Succeeded)
            return Failed(checks, Authenticate, auth.Error!.Message);
        var summary = auth.Value!;
        checks.Add(new ProbeCheck(Authenticate, ProbeStatus.Passed, $"Signed in to project {summary.ProjectName ?? summary.ProjectId}."));

        var required = new[] { "compute", "image", "network" };
        var missing = required.Where(s => !summary.ServiceTypes.Contains(s, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
            return Failed(checks, Catalog, $"The service catalog lacks {string.Join(", ", missing)}. Portal needs compute (Nova), image (Glance) and network (Neutron).");
        checks.Add(new ProbeCheck(Catalog, ProbeStatus.Passed, $"Found {string.Join(", ", required)} among {summary.ServiceTypes.Count} services."));

        // The three listings are independent; run them together.
        var flavorsTask = client.ListFlavorsAsync(ct);
        var imagesTask = client.ListImagesAsync(ct);
        var networksTask = client.ListExternalNetworksAsync(ct);
        await Task.WhenAll(flavorsTask, imagesTask, networksTask);
        var flavors = await flavorsTask;
        var images = await imagesTask;
        var networks = await networksTask;
        checks.Add(Listed(Flavors, flavors, "flavors", "The project can see no flavors; nothing could be deployed."));
        checks.Add(Listed(Images, images, "images", "The project can see no images; nothing could be deployed."));
        checks.Add(Listed(Networks, networks, "external networks", "No external network: clusters will have no way out until one exists."));
        return new ProbeReport(checks, flavors.Value ?? [], images.Value ?? [], networks.Value ?? []);
    }

    private static ProbeCheck Listed<T>(string name, RemoteResult<IReadOnlyList<T>> result, string noun, string emptyWarning) =>
        !result.Succeeded ? new ProbeCheck(name, ProbeStatus.Failed, result.Error!.Message)
        : result.Value!.Count == 0 ? new ProbeCheck(name, ProbeStatus.Warning, emptyWarning)
        : new ProbeCheck(name, ProbeStatus.Passed, $"{result.Value.Count} {noun}.");

    private static ProbeReport Failed(List<ProbeCheck> checks, string name, string detail)
    {
        checks.Add(new ProbeCheck(name, ProbeStatus.Failed, detail));
        foreach (var later in new[] { Authenticate, Catalog, Flavors, Images, Networks }.SkipWhile(n => n != name).Skip(1))
            checks.Add(new ProbeCheck(later, ProbeStatus.Skipped, "Not run: an earlier check failed."));
        return new ProbeReport(checks, [], [], []);
    }
}

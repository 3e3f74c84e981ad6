namespace Portal.Jobs.OpenStack;

/// <summary>The Keystone service catalog of one token, and endpoint selection by type, region and interface.</summary>
internal sealed class ServiceCatalog
{
    private readonly IReadOnlyList<KeystoneCatalogService> _services;

    public ServiceCatalog(IReadOnlyList<KeystoneCatalogService> services)
    {
        _services = services;
        Regions = services
            .SelectMany(static s => s.Endpoints ?? [])
            .Select(RegionOf)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Every region named by any endpoint.</summary>
    public IReadOnlyList<string> Regions { get; }

    /// <summary>Service types that have an endpoint for <paramref name="region"/> (any when null) and <paramref name="endpointInterface"/>.</summary>
    public IReadOnlyList<string> ServiceTypes(string? region, EndpointInterface endpointInterface) =>
        _services
            .Where(s => !string.IsNullOrEmpty(s.Type) && (s.Endpoints ?? []).Any(e => Matches(e, region, endpointInterface)))
            .Select(static s => s.Type!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Whether the region is unknown to the whole catalog (null when it is known or not given).</summary>
    public RemoteError? CheckRegion(string? region)
    {
        if (string.IsNullOrWhiteSpace(region) || Regions.Any(r => SameRegion(r, region)))
            return null;
        var known = Regions.Count == 0
            ? "The catalog's endpoints name no region at all; leave the region empty."
            : $"Regions in this cloud: {string.Join(", ", Regions)}.";
        return new RemoteError(RemoteErrorKind.RegionMissing,
            $"No service in the catalog has an endpoint in region \"{region}\". {known} Check the region name.");
    }

    /// <summary>The endpoint URL of <paramref name="serviceType"/>, or why there is none.</summary>
    public RemoteResult<Uri> FindEndpoint(string serviceType, string? region, EndpointInterface endpointInterface)
    {
        var label = ServiceLabel(serviceType);
        var services = _services.Where(s => string.Equals(s.Type, serviceType, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (services.Length == 0)
        {
            var present = _services.Select(static s => s.Type).OfType<string>().Distinct().Order().ToArray();
            return RemoteResult<Uri>.Failure(RemoteErrorKind.ServiceMissing,
                $"The cloud's service catalog has no \"{serviceType}\" service ({label}), which the portal needs. " +
                (present.Length == 0 ? "The catalog is empty. " : $"It lists: {string.Join(", ", present)}. ") +
                "Ask the cloud administrator whether the service is deployed and whether the credential's project may use it.");
        }

        var endpoints = services.SelectMany(static s => s.Endpoints ?? []).ToArray();
        var inRegion = string.IsNullOrWhiteSpace(region)
            ? endpoints
            : endpoints.Where(e => RegionOf(e) is { } r && SameRegion(r, region)).ToArray();
        if (inRegion.Length == 0)
        {
            var regions = endpoints.Select(RegionOf).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var where = regions.Length == 0
                ? "Its endpoints name no region; leave the region empty."
                : $"It has endpoints in: {string.Join(", ", regions)}.";
            return RemoteResult<Uri>.Failure(RemoteErrorKind.RegionMissing,
                $"The \"{serviceType}\" service ({label}) has no endpoint in region \"{region}\". {where} Check the region name.");
        }

        var wanted = InterfaceName(endpointInterface);
        var chosen = inRegion.FirstOrDefault(e => string.Equals(e.Interface, wanted, StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            var offered = inRegion.Select(static e => e.Interface).OfType<string>().Distinct().Order().ToArray();
            var regionText = string.IsNullOrWhiteSpace(region) ? string.Empty : $" in region \"{region}\"";
            return RemoteResult<Uri>.Failure(RemoteErrorKind.ServiceMissing,
                $"The \"{serviceType}\" service ({label}){regionText} has no {wanted} endpoint. " +
                (offered.Length == 0 ? "It lists no interfaces." : $"It offers: {string.Join(", ", offered)}.") +
                " Choose one of those interfaces.");
        }

        if (!Uri.TryCreate(chosen.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return RemoteResult<Uri>.Failure(RemoteErrorKind.Malformed,
                $"The catalog's {wanted} endpoint of the \"{serviceType}\" service is not a valid http(s) URL: \"{chosen.Url}\".");
        }
        return url;
    }

    public static string InterfaceName(EndpointInterface endpointInterface) => endpointInterface switch
    {
        EndpointInterface.Public => "public",
        EndpointInterface.Internal => "internal",
        EndpointInterface.Admin => "admin",
    };

    public static string ServiceLabel(string serviceType) => serviceType switch
    {
        "identity" => "Keystone",
        "compute" => "Nova",
        "image" => "Glance",
        "network" => "Neutron",
        _ => serviceType,
    };

    private static string? RegionOf(KeystoneEndpoint endpoint) =>
        !string.IsNullOrWhiteSpace(endpoint.RegionId) ? endpoint.RegionId
        : !string.IsNullOrWhiteSpace(endpoint.Region) ? endpoint.Region
        : null;

    private static bool SameRegion(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool Matches(KeystoneEndpoint endpoint, string? region, EndpointInterface endpointInterface) =>
        string.Equals(endpoint.Interface, InterfaceName(endpointInterface), StringComparison.OrdinalIgnoreCase)
        && (string.IsNullOrWhiteSpace(region) || (RegionOf(endpoint) is { } r && SameRegion(r, region)));
}

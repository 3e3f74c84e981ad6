namespace Portal.Jobs.OpenStack;

/// <summary>
/// Typed calls against one OpenStack cloud. Every method authenticates when needed (reusing the token until
/// shortly before it expires) and reports failures as an <see cref="RemoteError"/> instead of throwing.
/// Only cancellation through the caller's token throws (<see cref="OperationCanceledException"/>).
/// </summary>
public interface IOpenStackClient
{
    /// <summary>Authenticates (or reuses the current token) and summarises the service catalog.</summary>
    Task<RemoteResult<ServiceCatalogSummary>> AuthenticateAsync(CancellationToken ct = default);

    /// <summary>All flavors visible to the project, following Nova's pagination.</summary>
    Task<RemoteResult<IReadOnlyList<OsFlavor>>> ListFlavorsAsync(CancellationToken ct = default);

    /// <summary>All images visible to the project, following Glance's <c>next</c> links.</summary>
    Task<RemoteResult<IReadOnlyList<OsImage>>> ListImagesAsync(CancellationToken ct = default);

    /// <summary>Networks with <c>router:external=true</c>.</summary>
    Task<RemoteResult<IReadOnlyList<OsNetwork>>> ListExternalNetworksAsync(CancellationToken ct = default);

    /// <summary>The project's absolute compute limits and current usage.</summary>
    Task<RemoteResult<ComputeLimits>> GetComputeLimitsAsync(CancellationToken ct = default);
}

/// <summary>Creates a client for a connection; the demo cloud's connection is served in-process.</summary>
public interface IOpenStackClientFactory
{
    IOpenStackClient Create(OpenStackConnection connection);
}

using Portal.Domain.Infrastructures;
using Portal.Jobs.Clusters;
using Portal.Jobs.OpenStack;

namespace Portal.Jobs.Infrastructures;

/// <summary>
/// How the portal reaches the clouds of one provider kind: the connection its clients use, the credentials written
/// into a cluster for its cloud providers, and the management cluster that runs Cluster API. The composition root
/// registers one per kind it supports (the OpenStack one here; the demo cloud its own), so no other code asks which
/// kind an infrastructure is.
/// </summary>
public interface ICloudProvider
{
    InfrastructureProvider Kind { get; }

    /// <summary>The client connection for an infrastructure's stored settings and (decrypted) secret.</summary>
    OpenStackConnection Connection(ConnectionSettings? settings, string? secret);

    /// <summary>The credentials a cluster's CAPO, cloud controller manager and Cinder CSI driver use.</summary>
    CloudCredentials ClusterCredentials(ConnectionSettings? settings, string? secret);

    /// <summary>The management cluster's kubeconfig, from the one a platform admin stored (null: none configured).</summary>
    string? ManagementKubeconfig(string? stored);
}

/// <summary>The registered <see cref="ICloudProvider"/>s by kind.</summary>
public sealed class CloudProviders(IEnumerable<ICloudProvider> providers)
{
    private readonly Dictionary<InfrastructureProvider, ICloudProvider> _byKind = providers.ToDictionary(p => p.Kind);

    /// <summary>The provider of a kind; a kind this portal was not set up with is a configuration error.</summary>
    public ICloudProvider For(InfrastructureProvider kind) =>
        _byKind.TryGetValue(kind, out var provider)
            ? provider
            : throw new InvalidOperationException($"This portal has no cloud provider for infrastructures of kind {kind}; its start-up does not register one.");
}

/// <summary>A real OpenStack cloud, reached with the connection settings and secret a platform admin registered.</summary>
public sealed class OpenStackCloudProvider : ICloudProvider
{
    public InfrastructureProvider Kind => InfrastructureProvider.OpenStack;

    public OpenStackConnection Connection(ConnectionSettings? settings, string? secret)
    {
        ArgumentNullException.ThrowIfNull(settings);
        OpenStackCredential credential = settings.CredentialKind == CredentialKind.ApplicationCredential
            ? new ApplicationCredential(settings.ApplicationCredentialId ?? "", secret ?? "")
            : new PasswordCredential(settings.UserName ?? "", settings.UserDomain ?? "Default", secret ?? "",
                settings.ProjectName ?? "", settings.ProjectDomain ?? "Default");
        var iface = settings.Interface switch
        {
            EndpointInterfaceKind.Public => EndpointInterface.Public,
            EndpointInterfaceKind.Internal => EndpointInterface.Internal,
            EndpointInterfaceKind.Admin => EndpointInterface.Admin,
        };
        return new OpenStackConnection(new Uri(settings.AuthUrl), settings.RegionName, iface, credential, settings.CaBundlePem);
    }

    public CloudCredentials ClusterCredentials(ConnectionSettings? settings, string? secret)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new CloudCredentials(settings.AuthUrl, settings.RegionName, settings.Interface.ToString().ToLowerInvariant(),
            settings.CredentialKind == CredentialKind.ApplicationCredential, settings.ApplicationCredentialId, settings.UserName, settings.UserDomain,
            settings.ProjectName, settings.ProjectDomain, secret ?? "", settings.CaBundlePem);
    }

    public string? ManagementKubeconfig(string? stored) => stored;
}

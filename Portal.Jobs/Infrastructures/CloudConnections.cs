using Portal.Domain.Catalog;
using Portal.Domain.Infrastructures;
using Portal.Jobs.DemoCloud;
using Portal.Jobs.OpenStack;

namespace Portal.Jobs.Infrastructures;

/// <summary>Translates between the domain's stored connection and the OpenStack client's.</summary>
public static class CloudConnections
{
    /// <summary>The client connection for a provider; the demo cloud needs no settings or secret.</summary>
    public static OpenStackConnection For(InfrastructureProvider provider, ConnectionSettings? settings, string? secret)
    {
        if (provider == InfrastructureProvider.Demo)
            return DemoCloudService.Connection;
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

    public static FlavorSpec ToSpec(this OsFlavor flavor) => new(flavor.Id, flavor.Name, flavor.Vcpus, flavor.RamMb, flavor.DiskGb);

    public static ImageSpec ToSpec(this OsImage image) =>
        new(image.Id, image.Name, image.MinRamMb, image.MinDiskGb, image.KubernetesVersion, image.Properties.GetValueOrDefault("os_distro"));
}

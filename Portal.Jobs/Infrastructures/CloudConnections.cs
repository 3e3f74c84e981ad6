using Portal.Domain.Catalog;
using Portal.Domain.Infrastructures;
using Portal.Jobs.OpenStack;

namespace Portal.Jobs.Infrastructures;

/// <summary>Translates the OpenStack client's listings into the domain's catalog specs.</summary>
public static class CloudConnections
{
    public static FlavorSpec ToSpec(this OsFlavor flavor) => new(flavor.Id, flavor.Name, flavor.Vcpus, flavor.RamMb, flavor.DiskGb);

    public static ImageSpec ToSpec(this OsImage image) =>
        new(image.Id, image.Name, image.MinRamMb, image.MinDiskGb, image.KubernetesVersion, image.Properties.GetValueOrDefault("os_distro"));
}

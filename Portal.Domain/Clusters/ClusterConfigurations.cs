using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Clusters;

public sealed class KubernetesClusterConfiguration : IEntityTypeConfiguration<KubernetesCluster>
{
    public void Configure(EntityTypeBuilder<KubernetesCluster> builder)
    {
        builder.ToTable("KubernetesClusters");
        builder.Property(c => c.Name).HasMaxLength(Limits.ClusterNameMaxLength);
        builder.Property(c => c.ExternalNetworkId).HasMaxLength(255);
        builder.Property(c => c.ExternalNetworkName).HasMaxLength(255);
        builder.Property(c => c.KubernetesVersion).HasMaxLength(32);
        builder.Property(c => c.ObservedVersion).HasMaxLength(32);
        builder.Property(c => c.ImageId).HasMaxLength(255);
        builder.Property(c => c.ImageName).HasMaxLength(255);
        builder.Property(c => c.ControlPlaneFlavorId).HasMaxLength(255);
        builder.Property(c => c.ControlPlaneFlavorName).HasMaxLength(255);
        builder.Property(c => c.ControlPlaneType).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.StateReason).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(c => c.ProviderFault).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(c => c.CreatedById).HasMaxLength(450);
        builder.Property(c => c.Version).IsConcurrencyToken();
        // A cluster's name is unique within its project (names are lowercase DNS labels, so no folding is needed).
        builder.HasIndex(c => new { c.ProjectId, c.Name }).IsUnique();
        builder.HasIndex(c => new { c.TenantId, c.CreatedAt });
        builder.HasIndex(c => c.State);
        builder.HasOne(c => c.Project).WithMany().HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        // A Service Config (and so its infrastructure) cannot go while clusters are placed through it.
        builder.HasOne<ServiceConfig>().WithMany().HasForeignKey(c => c.ServiceConfigId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Infrastructure>().WithMany().HasForeignKey(c => c.InfrastructureId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Pools).WithOne(p => p.Cluster).HasForeignKey(p => p.ClusterId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(c => c.Pools).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class NodePoolConfiguration : IEntityTypeConfiguration<NodePool>
{
    public void Configure(EntityTypeBuilder<NodePool> builder)
    {
        builder.ToTable("NodePools");
        builder.Property(p => p.Name).HasMaxLength(Limits.NodePoolNameMaxLength);
        builder.Property(p => p.FlavorId).HasMaxLength(255);
        builder.Property(p => p.FlavorName).HasMaxLength(255);
        builder.Property(p => p.ImageId).HasMaxLength(255);
        builder.Property(p => p.ImageName).HasMaxLength(255);
        builder.Property(p => p.KubernetesVersion).HasMaxLength(32);
        builder.Property(p => p.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.StateReason).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(p => p.ProviderFault).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => new { p.ClusterId, p.Name }).IsUnique();
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.ServiceConfigs;

public sealed class ServiceConfigConfiguration : IEntityTypeConfiguration<ServiceConfig>
{
    public void Configure(EntityTypeBuilder<ServiceConfig> builder)
    {
        builder.ToTable("ServiceConfigs");
        builder.Property(s => s.Name).HasMaxLength(Limits.NameMaxLength).UseCollation("NOCASE"); // for ordering; uniqueness uses NameKey
        builder.Property(s => s.Description).HasMaxLength(Limits.DescriptionMaxLength);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.MapUniqueName(nameof(ServiceConfig.InfrastructureId));
        // Restrict: an infrastructure with Service Configs cannot be deleted; the service names them.
        builder.HasOne(s => s.Infrastructure).WithMany().HasForeignKey(s => s.InfrastructureId).OnDelete(DeleteBehavior.Restrict);
        // Restrict: platforms must be deleted first, in order.
        builder.HasMany(s => s.Platforms).WithOne(p => p.ServiceConfig).HasForeignKey(p => p.ServiceConfigId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(s => s.Offers).WithOne().HasForeignKey(o => o.ServiceConfigId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ServiceConfigOfferConfiguration : IEntityTypeConfiguration<ServiceConfigOffer>
{
    public void Configure(EntityTypeBuilder<ServiceConfigOffer> builder)
    {
        builder.ToTable("ServiceConfigOffers");
        builder.HasKey(o => new { o.ServiceConfigId, o.TenantId });
        builder.HasOne(o => o.Tenant).WithMany().HasForeignKey(o => o.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ServicePlatformConfiguration : IEntityTypeConfiguration<ServicePlatform>
{
    public void Configure(EntityTypeBuilder<ServicePlatform> builder)
    {
        builder.ToTable("ServicePlatforms");
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.PostgresMode).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.StateReason).HasMaxLength(1000);
        builder.Property(p => p.ExternalNetworkId).HasMaxLength(255);
        builder.Property(p => p.ExternalNetworkName).HasMaxLength(255);
        builder.Property(p => p.OperatorVersion).HasMaxLength(32);
        builder.Property(p => p.TargetOperatorVersion).HasMaxLength(32);
        builder.Property(p => p.ClusterServer).HasMaxLength(500);
        builder.Property(p => p.BackupDestinationPath).HasMaxLength(500);
        builder.Property(p => p.BackupEndpointUrl).HasMaxLength(500);
        builder.Property(p => p.BackupAccessKeyId).HasMaxLength(128);
        builder.Ignore(p => p.HasBackupStore);
        builder.Property(p => p.Version).IsConcurrencyToken();
        // At most one platform per kind in a Service Config.
        builder.HasIndex(p => new { p.ServiceConfigId, p.Kind }).IsUnique();
    }
}

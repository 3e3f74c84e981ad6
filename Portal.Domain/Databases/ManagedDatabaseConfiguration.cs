using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Databases;

public sealed class ManagedDatabaseConfiguration : IEntityTypeConfiguration<ManagedDatabase>
{
    public void Configure(EntityTypeBuilder<ManagedDatabase> builder)
    {
        builder.ToTable("ManagedDatabases");
        builder.Property(d => d.Name).HasMaxLength(Limits.DatabaseNameMaxLength);
        builder.Property(d => d.PostgresVersion).HasMaxLength(16);
        builder.Property(d => d.ComputeSize).HasMaxLength(16);
        builder.Property(d => d.DatabaseName).HasMaxLength(Limits.PostgresIdentifierMaxLength);
        builder.Property(d => d.OwnerName).HasMaxLength(Limits.PostgresIdentifierMaxLength);
        builder.Property(d => d.BackupFrequency).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.BackupDay).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.RestoredFromName).HasMaxLength(Limits.DatabaseNameMaxLength);
        builder.Property(d => d.RestoredFromServer).HasMaxLength(64);
        builder.Property(d => d.CurrentPrimary).HasMaxLength(64);
        builder.Property(d => d.InstanceNames).HasMaxLength(500);
        builder.Property(d => d.OperatorPhase).HasMaxLength(200);
        builder.Property(d => d.OperatorPhaseReason).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(d => d.LastBackupFailure).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(d => d.ArchivingFault).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.StateReason).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(d => d.ProviderFault).HasMaxLength(LifecycleResource.ReasonMaxLength);
        builder.Property(d => d.CreatedById).HasMaxLength(450);
        builder.Property(d => d.Version).IsConcurrencyToken();
        // A database's name is unique within its project (a lowercase DNS label: it names objects in the project's namespace).
        builder.HasIndex(d => new { d.ProjectId, d.Name }).IsUnique();
        builder.HasIndex(d => new { d.TenantId, d.CreatedAt });
        builder.HasIndex(d => d.CreatedAt);
        builder.HasIndex(d => d.State);
        builder.HasIndex(d => d.PlatformId);
        builder.HasOne(d => d.Project).WithMany().HasForeignKey(d => d.ProjectId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(d => d.TenantId).OnDelete(DeleteBehavior.Restrict);
        // A platform (and so its Service Config and infrastructure) cannot go while databases run on it.
        builder.HasOne<ServicePlatform>().WithMany().HasForeignKey(d => d.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ServiceConfig>().WithMany().HasForeignKey(d => d.ServiceConfigId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Infrastructure>().WithMany().HasForeignKey(d => d.InfrastructureId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(d => d.Backups);
        builder.Ignore(d => d.Compute);
        builder.Ignore(d => d.InstanceList);
        builder.Ignore(d => d.Major);
        builder.Ignore(d => d.BackupServerName);
    }
}

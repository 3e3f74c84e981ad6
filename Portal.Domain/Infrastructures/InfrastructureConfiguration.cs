using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Infrastructures;

public sealed class InfrastructureConfiguration : IEntityTypeConfiguration<Infrastructure>
{
    public void Configure(EntityTypeBuilder<Infrastructure> builder)
    {
        builder.ToTable("Infrastructures");
        builder.Property(i => i.Name).HasMaxLength(Limits.NameMaxLength).UseCollation("NOCASE"); // for ordering; uniqueness uses NameKey
        builder.Property(i => i.Description).HasMaxLength(Limits.DescriptionMaxLength);
        builder.Property(i => i.Provider).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Interface).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.CredentialKind).HasConversion<string>().HasMaxLength(32);
        builder.Property(i => i.AuthUrl).HasMaxLength(ConnectionSettings.UrlMaxLength);
        builder.Property(i => i.RegionName).HasMaxLength(ConnectionSettings.FieldMaxLength);
        builder.Property(i => i.ApplicationCredentialId).HasMaxLength(ConnectionSettings.FieldMaxLength);
        builder.Property(i => i.UserName).HasMaxLength(ConnectionSettings.FieldMaxLength);
        builder.Property(i => i.UserDomain).HasMaxLength(ConnectionSettings.FieldMaxLength);
        builder.Property(i => i.ProjectName).HasMaxLength(ConnectionSettings.FieldMaxLength);
        builder.Property(i => i.ProjectDomain).HasMaxLength(ConnectionSettings.FieldMaxLength);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.Property(i => i.ManagementClusterServer).HasMaxLength(ConnectionSettings.UrlMaxLength);
        builder.Ignore(i => i.Connection);
        builder.MapUniqueName();
        // Restrict: a zone that holds infrastructures cannot be deleted; the service names them.
        builder.HasOne(i => i.Zone).WithMany().HasForeignKey(i => i.ZoneId).OnDelete(DeleteBehavior.Restrict);
    }
}

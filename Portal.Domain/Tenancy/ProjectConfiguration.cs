using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Tenancy;

public sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.ToTable("Projects");
        builder.Property(p => p.Name).HasMaxLength(Limits.NameMaxLength).UseCollation("NOCASE"); // for ordering; uniqueness uses NameKey
        builder.Property(p => p.Description).HasMaxLength(Limits.DescriptionMaxLength);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.MapUniqueName(nameof(Project.TenantId));
    }
}

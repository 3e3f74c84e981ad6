using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Tenancy;

public sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.ToTable("Tenants");
        builder.Property(t => t.Name).HasMaxLength(Limits.NameMaxLength).UseCollation("NOCASE"); // for ordering; uniqueness uses NameKey
        builder.Property(t => t.Slug).HasMaxLength(Limits.SlugMaxLength);
        builder.Property(t => t.Description).HasMaxLength(Limits.DescriptionMaxLength);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.MapUniqueName();
        builder.HasIndex(t => t.Slug).IsUnique();
        builder.HasMany(t => t.Projects).WithOne(p => p.Tenant).HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(t => t.Memberships).WithOne(m => m.Tenant).HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

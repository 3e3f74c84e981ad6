using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Catalog;

public sealed class FlavorEntryConfiguration : IEntityTypeConfiguration<FlavorEntry>
{
    public void Configure(EntityTypeBuilder<FlavorEntry> builder)
    {
        builder.ToTable("CatalogFlavors");
        CatalogEntryMapping.Configure(builder);
    }
}

public sealed class ImageEntryConfiguration : IEntityTypeConfiguration<ImageEntry>
{
    public void Configure(EntityTypeBuilder<ImageEntry> builder)
    {
        builder.ToTable("CatalogImages");
        CatalogEntryMapping.Configure(builder);
        builder.Property(i => i.KubernetesVersion).HasMaxLength(64);
        builder.Property(i => i.OsDistro).HasMaxLength(64);
    }
}

internal static class CatalogEntryMapping
{
    public static void Configure<T>(EntityTypeBuilder<T> builder) where T : CatalogEntry
    {
        builder.Property(e => e.ProviderId).HasMaxLength(CatalogEntry.ProviderTextMaxLength);
        builder.Property(e => e.ProviderName).HasMaxLength(CatalogEntry.ProviderTextMaxLength);
        builder.Property(e => e.Name).HasMaxLength(Limits.NameMaxLength).UseCollation("NOCASE");
        builder.Property(e => e.Description).HasMaxLength(Limits.DescriptionMaxLength);
        builder.Property(e => e.Version).IsConcurrencyToken();
        builder.HasIndex(e => new { e.InfrastructureId, e.ProviderId }).IsUnique();
        builder.HasIndex(e => new { e.InfrastructureId, e.Name });
        builder.HasOne(e => e.Infrastructure).WithMany().HasForeignKey(e => e.InfrastructureId).OnDelete(DeleteBehavior.Cascade);
    }
}

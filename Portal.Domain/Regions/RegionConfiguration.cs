using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Regions;

public sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> builder)
    {
        builder.ToTable("Regions");
        builder.Property(r => r.Name).HasMaxLength(Limits.NameMaxLength).UseCollation("NOCASE"); // for ordering; uniqueness uses NameKey
        builder.Property(r => r.Description).HasMaxLength(Limits.DescriptionMaxLength);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.MapUniqueName();
        // Restrict: a region with zones must be emptied first; the service says which zones block it.
        builder.HasMany(r => r.Zones).WithOne(z => z.Region).HasForeignKey(z => z.RegionId).OnDelete(DeleteBehavior.Restrict);
    }
}

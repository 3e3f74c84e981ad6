using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Regions;

public sealed class ZoneConfiguration : IEntityTypeConfiguration<Zone>
{
    public void Configure(EntityTypeBuilder<Zone> builder)
    {
        builder.ToTable("Zones");
        builder.Property(z => z.Name).HasMaxLength(Limits.NameMaxLength).UseCollation("NOCASE"); // for ordering; uniqueness uses NameKey
        builder.Property(z => z.Description).HasMaxLength(Limits.DescriptionMaxLength);
        builder.Property(z => z.Version).IsConcurrencyToken();
        builder.MapUniqueName(nameof(Zone.RegionId));
    }
}

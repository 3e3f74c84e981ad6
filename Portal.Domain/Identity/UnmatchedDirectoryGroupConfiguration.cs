using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Identity;

public sealed class UnmatchedDirectoryGroupConfiguration : IEntityTypeConfiguration<UnmatchedDirectoryGroup>
{
    public void Configure(EntityTypeBuilder<UnmatchedDirectoryGroup> builder)
    {
        builder.ToTable("UnmatchedDirectoryGroups");
        builder.Property(g => g.Group).HasMaxLength(256);
        builder.Property(g => g.TenantSlug).HasMaxLength(256);
        builder.Property(g => g.LastSeenBy).HasMaxLength(256);
        builder.HasIndex(g => g.Group).IsUnique();
    }
}

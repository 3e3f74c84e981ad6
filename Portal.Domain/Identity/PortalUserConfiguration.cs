using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Identity;

public sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(Limits.DisplayNameMaxLength);
        builder.Property(u => u.PlatformRole).HasConversion<string>().HasMaxLength(16);
        builder.Property(u => u.Theme).HasConversion<string>().HasMaxLength(16).HasDefaultValue(ThemePreference.System).HasSentinel((ThemePreference)(-1));
    }
}

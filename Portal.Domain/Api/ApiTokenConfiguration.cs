using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;
using Portal.Domain.Identity;

namespace Portal.Domain.Api;

public sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("ApiTokens");
        builder.Property(t => t.Name).HasMaxLength(Limits.ApiTokenNameMaxLength);
        builder.Property(t => t.Prefix).HasMaxLength(ApiTokenSecret.PrefixLength);
        builder.Property(t => t.Hash).HasMaxLength(64).IsRequired();
        builder.Property(t => t.Scope).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.UserId).HasMaxLength(Limits.ActorIdMaxLength);
        builder.Property(t => t.CreatedById).HasMaxLength(Limits.ActorIdMaxLength);
        builder.Property(t => t.RevokedById).HasMaxLength(Limits.ActorIdMaxLength);
        builder.Property(t => t.Version).IsConcurrencyToken();
        // Every API request looks its token up by hash.
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.HasIndex(t => t.ServiceAccountId);
        // A token never outlives its owner.
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ServiceAccount>().WithMany().HasForeignKey(t => t.ServiceAccountId).OnDelete(DeleteBehavior.Cascade);
        builder.ToTable(t => t.HasCheckConstraint("CK_ApiTokens_OneOwner",
            "(\"UserId\" IS NULL) <> (\"ServiceAccountId\" IS NULL)"));
    }
}

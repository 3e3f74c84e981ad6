using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Api;

public sealed class ServiceAccountConfiguration : IEntityTypeConfiguration<ServiceAccount>
{
    public void Configure(EntityTypeBuilder<ServiceAccount> builder)
    {
        builder.ToTable("ServiceAccounts");
        builder.Ignore(s => s.ActorId);
        builder.Property(s => s.Name).HasMaxLength(Limits.NameMaxLength).UseCollation("NOCASE");
        builder.Property(s => s.Description).HasMaxLength(Limits.DescriptionMaxLength);
        builder.Property(s => s.CreatedById).HasMaxLength(Limits.ActorIdMaxLength);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.MapUniqueName(nameof(ServiceAccount.ProjectId));
        builder.HasIndex(s => s.TenantId);
        // Automation of a deleted project ends with it: its service accounts go, and their tokens with them. The tenant
        // is the project's (copied at creation so access checks need no join), so the project's key is the only one.
        builder.HasOne<Project>().WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}

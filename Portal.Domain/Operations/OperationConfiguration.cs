using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Operations;

public sealed class OperationConfiguration : IEntityTypeConfiguration<Operation>
{
    public void Configure(EntityTypeBuilder<Operation> builder)
    {
        builder.ToTable("Operations");
        builder.Property(o => o.Kind).HasMaxLength(Operation.KindMaxLength);
        builder.Property(o => o.TargetType).HasMaxLength(Operation.TargetTypeMaxLength);
        builder.Property(o => o.TargetId).HasMaxLength(Operation.TargetIdMaxLength);
        builder.Property(o => o.TargetName).HasMaxLength(Limits.NameMaxLength * 4);
        builder.Property(o => o.RequestedById).HasMaxLength(450);
        builder.Property(o => o.RequestedByName).HasMaxLength(Limits.DisplayNameMaxLength);
        builder.Property(o => o.CancelledById).HasMaxLength(450);
        builder.Property(o => o.CancelledByName).HasMaxLength(Limits.DisplayNameMaxLength);
        builder.Property(o => o.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.Error).HasMaxLength(Operation.MessageMaxLength);
        builder.Property(o => o.Version).IsConcurrencyToken();
        builder.Ignore(o => o.Target);

        builder.HasMany(o => o.Steps).WithOne().HasForeignKey(s => s.OperationId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(o => o.Steps).HasField("_steps").UsePropertyAccessMode(PropertyAccessMode.Field);

        // A resource's history (newest first), the engine's queue and running set, and the operations page's default order.
        builder.HasIndex(o => new { o.TargetType, o.TargetId, o.CreatedAt });
        builder.HasIndex(o => new { o.State, o.CreatedAt });
        builder.HasIndex(o => o.CreatedAt);
    }
}

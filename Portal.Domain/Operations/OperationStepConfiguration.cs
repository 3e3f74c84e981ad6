using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Operations;

public sealed class OperationStepConfiguration : IEntityTypeConfiguration<OperationStep>
{
    public void Configure(EntityTypeBuilder<OperationStep> builder)
    {
        builder.ToTable("OperationSteps");
        builder.HasKey(s => new { s.OperationId, s.Index });
        builder.Property(s => s.Index).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(Operation.StepNameMaxLength);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Message).HasMaxLength(Operation.MessageMaxLength);
        builder.Ignore(s => s.IsDone);
    }
}

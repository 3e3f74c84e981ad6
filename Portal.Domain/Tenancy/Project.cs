using Portal.Domain.Common;

namespace Portal.Domain.Tenancy;

/// <summary>A tenant's unit of organisation: every cluster and database belongs to exactly one project.</summary>
public sealed class Project : IVersioned, INamed
{
    private Project() { }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Tenant? Tenant { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    public static Result<Project> Create(Guid tenantId, string? name, string? description, DateTimeOffset now)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        return new Project
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = valid.Value.Name,
            Description = valid.Value.Description,
            CreatedAt = now,
        };
    }

    public Result Rename(string? name, string? description)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        (Name, Description) = valid.Value;
        return Result.Ok();
    }
}

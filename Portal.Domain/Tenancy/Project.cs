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

    /// <summary>
    /// Why the project cannot be deleted now (null: it can): its clusters go first. <paramref name="clusterNames"/> are
    /// its clusters' names in order (six are enough: five are named). The projects grid shows this on its disabled
    /// delete button; the delete command refuses with it.
    /// </summary>
    public static string? WhyNotDelete(string projectName, IReadOnlyList<string> clusterNames) => clusterNames.Count == 0
        ? null
        : $"Project '{projectName}' still has clusters: {Naming.List(clusterNames.Take(5))}{(clusterNames.Count > 5 ? " and more" : "")}. Delete them first.";

    public Result Rename(string? name, string? description)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        (Name, Description) = valid.Value;
        return Result.Ok();
    }
}

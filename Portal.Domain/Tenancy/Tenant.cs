using Portal.Domain.Common;

namespace Portal.Domain.Tenancy;

/// <summary>A customer account: owns projects, and its members see only what belongs to it.</summary>
public sealed class Tenant : IVersioned, INamed
{
    private readonly List<Project> _projects = [];
    private readonly List<TenantMembership> _memberships = [];

    private Tenant() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>URL-safe, unique, fixed after creation.</summary>
    public string Slug { get; private set; } = "";
    public string Description { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<Project> Projects => _projects;
    public IReadOnlyList<TenantMembership> Memberships => _memberships;

    /// <summary>Validates and creates a tenant; the slug defaults to one derived from the name.</summary>
    public static Result<Tenant> Create(string? name, string? slug, string? description, DateTimeOffset now)
    {
        var validName = NameRules.Name(name);
        if (!validName.Succeeded) return validName.Refusal!;
        var validSlug = NameRules.Slug(string.IsNullOrWhiteSpace(slug) ? NameRules.SlugFrom(validName.Value) : slug);
        if (!validSlug.Succeeded) return validSlug.Refusal!;
        var validDescription = NameRules.Description(description);
        if (!validDescription.Succeeded) return validDescription.Refusal!;
        return new Tenant
        {
            Id = Guid.NewGuid(),
            Name = validName.Value!,
            Slug = validSlug.Value!,
            Description = validDescription.Value!,
            CreatedAt = now,
        };
    }

    /// <summary>
    /// Why the tenant cannot be deleted now (null: it can): its projects hold clusters and databases, so they go first.
    /// The tenants page shows this on its disabled delete button; the delete command refuses with it.
    /// </summary>
    public string? WhyNotDelete(IReadOnlyCollection<string> projectNames) => projectNames.Count == 0
        ? null
        : $"Tenant '{Name}' still has projects: {Naming.List(projectNames)}. Delete those projects first.";

    public Result Rename(string? name, string? description)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        (Name, Description) = valid.Value;
        return Result.Ok();
    }
}

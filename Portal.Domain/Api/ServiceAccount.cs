using Portal.Domain.Common;

namespace Portal.Domain.Api;

/// <summary>
/// A project's machine identity, so automation never depends on a person's account staying around. It acts as a
/// <see cref="Tenancy.TenantRole.Member"/> of its project's tenant and of nothing else (see <see cref="Tenancy.TenantAccess"/>),
/// and never holds a platform role. It signs in only with its own API tokens.
/// </summary>
public sealed class ServiceAccount : IVersioned, INamed
{
    /// <summary>The prefix of a service account's actor id, which keeps it apart from every person's id in the audit trail.</summary>
    public const string ActorIdPrefix = "sa:";

    private ServiceAccount() { }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid ProjectId { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedById { get; private set; } = "";
    public int Version { get; set; }

    /// <summary>The id the service account acts under (audit entries, <see cref="Actor.UserId"/>).</summary>
    public string ActorId => ActorIdPrefix + Id.ToString("D");

    public static Result<ServiceAccount> Create(Guid tenantId, Guid projectId, string? name, string? description, string createdById, DateTimeOffset now)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        return new ServiceAccount
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            ProjectId = projectId,
            Name = valid.Value.Name,
            Description = valid.Value.Description,
            CreatedAt = now,
            CreatedById = createdById,
        };
    }
}

using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.Tenancy;

namespace Portal.Domain.ServiceConfigs;

/// <summary>
/// A named grouping inside an infrastructure, holding no settings of its own: the unit a tenant selects
/// when deploying a managed service. Offered to every tenant, or only to chosen ones.
/// </summary>
public sealed class ServiceConfig : IVersioned, INamed
{
    private readonly List<ServicePlatform> _platforms = [];
    private readonly List<ServiceConfigOffer> _offers = [];

    private ServiceConfig() { }

    public Guid Id { get; private set; }
    public Guid InfrastructureId { get; private set; }
    public Infrastructure? Infrastructure { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public bool OfferedToAllTenants { get; private set; } = true;
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<ServicePlatform> Platforms => _platforms;
    /// <summary>The tenants it is offered to when not offered to all.</summary>
    public IReadOnlyList<ServiceConfigOffer> Offers => _offers;

    public static Result<ServiceConfig> Create(Guid infrastructureId, string? name, string? description, DateTimeOffset now)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        return new ServiceConfig { Id = Guid.NewGuid(), InfrastructureId = infrastructureId, Name = valid.Value.Name, Description = valid.Value.Description, CreatedAt = now };
    }

    public Result Rename(string? name, string? description)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        (Name, Description) = valid.Value;
        return Result.Ok();
    }

    /// <summary>Offers the Service Config to all tenants, or exactly to <paramref name="tenantIds"/>.</summary>
    public Result OfferTo(bool allTenants, IReadOnlyCollection<Guid> tenantIds)
    {
        if (!allTenants && tenantIds.Count == 0)
            return Refusal.Invalid(Fields.Tenants, "Choose at least one tenant, or offer it to all tenants.");
        OfferedToAllTenants = allTenants;
        var wanted = allTenants ? [] : tenantIds.ToHashSet();
        _offers.RemoveAll(o => !wanted.Contains(o.TenantId));
        foreach (var tenantId in wanted.Where(t => _offers.All(o => o.TenantId != t)))
            _offers.Add(new ServiceConfigOffer(Id, tenantId));
        return Result.Ok();
    }
}

/// <summary>One tenant a Service Config is offered to.</summary>
public sealed class ServiceConfigOffer
{
    private ServiceConfigOffer() { }

    public ServiceConfigOffer(Guid serviceConfigId, Guid tenantId)
    {
        ServiceConfigId = serviceConfigId;
        TenantId = tenantId;
    }

    public Guid ServiceConfigId { get; private set; }
    public Guid TenantId { get; private set; }
    public Tenant? Tenant { get; private set; }
}

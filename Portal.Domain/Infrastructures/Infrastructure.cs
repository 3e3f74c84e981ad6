using Portal.Domain.Common;
using Portal.Domain.Regions;

namespace Portal.Domain.Infrastructures;

/// <summary>A registered cloud, placed in one zone (and so one region), owning a catalog.</summary>
public sealed class Infrastructure : IVersioned, INamed
{
    private Infrastructure() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public InfrastructureProvider Provider { get; private set; }
    public Guid ZoneId { get; private set; }
    public Zone? Zone { get; private set; }

    // Connection (non-secret). Empty for the demo cloud.
    public string AuthUrl { get; private set; } = "";
    public string? RegionName { get; private set; }
    public EndpointInterfaceKind Interface { get; private set; }
    public CredentialKind CredentialKind { get; private set; }
    public string? ApplicationCredentialId { get; private set; }
    public string? UserName { get; private set; }
    public string? UserDomain { get; private set; }
    public string? ProjectName { get; private set; }
    public string? ProjectDomain { get; private set; }
    public string? CaBundlePem { get; private set; }

    /// <summary>The application credential secret or password, encrypted with Data Protection. Never sent to a browser.</summary>
    public string? ProtectedSecret { get; private set; }

    public DateTimeOffset? LastValidatedAt { get; private set; }
    public bool LastValidationSucceeded { get; private set; }
    public string LastValidationSummary { get; private set; } = "";

    /// <summary>
    /// The kubeconfig of the management cluster that runs Cluster API for this cloud, encrypted. Managed Kubernetes
    /// clusters (and Managed-mode PostgreSQL backing clusters) are provisioned through it. The demo cloud needs none.
    /// </summary>
    public string? ProtectedManagementKubeconfig { get; private set; }
    /// <summary>The management cluster's API server, for display (the kubeconfig itself is never shown).</summary>
    public string? ManagementClusterServer { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    public void SetManagementCluster(string? protectedKubeconfig, string? server)
    {
        ProtectedManagementKubeconfig = protectedKubeconfig;
        ManagementClusterServer = protectedKubeconfig is null ? null : server;
    }

    public static Result<Infrastructure> Create(string? name, string? description, InfrastructureProvider provider, Guid zoneId,
        ConnectionSettings? connection, string? protectedSecret, DateTimeOffset now)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        if (!Enum.IsDefined(provider)) return Refusal.Invalid(Fields.Provider, "Choose a provider.");
        if (provider == InfrastructureProvider.OpenStack && connection is null)
            return Refusal.Invalid(Fields.AuthUrl, "An OpenStack infrastructure needs its connection details.");

        var infrastructure = new Infrastructure
        {
            Id = Guid.NewGuid(),
            Name = valid.Value.Name,
            Description = valid.Value.Description,
            Provider = provider,
            ZoneId = zoneId,
            CreatedAt = now,
        };
        if (provider == InfrastructureProvider.OpenStack)
            infrastructure.ApplyConnection(connection!, protectedSecret);
        return infrastructure;
    }

    public ConnectionSettings? Connection => Provider == InfrastructureProvider.Demo
        ? null
        : new ConnectionSettings(AuthUrl, RegionName, Interface, CredentialKind, ApplicationCredentialId, UserName, UserDomain,
            ProjectName, ProjectDomain, CaBundlePem);

    public Result Describe(string? name, string? description)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        (Name, Description) = valid.Value;
        return Result.Ok();
    }

    public void MoveTo(Guid zoneId) => ZoneId = zoneId;

    /// <summary>Replaces the connection; a null secret keeps the stored one ("unchanged").</summary>
    public void ApplyConnection(ConnectionSettings connection, string? protectedSecret)
    {
        if (Provider == InfrastructureProvider.Demo)
            throw new InvalidOperationException("The demo cloud has no connection settings to change.");
        AuthUrl = connection.AuthUrl;
        RegionName = connection.RegionName;
        Interface = connection.Interface;
        CredentialKind = connection.CredentialKind;
        ApplicationCredentialId = connection.ApplicationCredentialId;
        UserName = connection.UserName;
        UserDomain = connection.UserDomain;
        ProjectName = connection.ProjectName;
        ProjectDomain = connection.ProjectDomain;
        CaBundlePem = connection.CaBundlePem;
        if (protectedSecret is not null)
            ProtectedSecret = protectedSecret;
    }

    public void RecordValidation(bool succeeded, string summary, DateTimeOffset at)
    {
        LastValidatedAt = at;
        LastValidationSucceeded = succeeded;
        LastValidationSummary = summary.Length > 1000 ? summary[..1000] : summary;
    }
}

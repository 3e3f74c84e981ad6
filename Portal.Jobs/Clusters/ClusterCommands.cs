using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.Jobs.Infrastructures;

namespace Portal.Jobs.Clusters;

/// <summary>
/// The cluster actions that need the outside world: creating a cluster after the cloud's pre-flight checks, the
/// kubeconfig read from the management cluster, and checking an infrastructure's management cluster before it is
/// stored. Every other cluster action is the domain's alone: pages call <see cref="ClusterService"/> directly.
/// </summary>
public sealed class ClusterCommands(ClusterService clusters, ManagementClusters management, ClusterPreflight preflight,
    InfrastructureService infrastructures, IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, CloudProviders cloudProviders)
{
    /// <summary>
    /// Creates the cluster after every rule passed and the cloud's pre-flight checks found nothing that would make it
    /// fail: a failed check refuses the request with its reason (a check that could not run does not block).
    /// </summary>
    public async Task<Result<Guid>> CreateAsync(Actor actor, CreateClusterRequest request, CancellationToken ct = default)
    {
        var checks = await PreflightAsync(actor, request, ct);
        if (checks.Succeeded && checks.Value!.FirstOrDefault(c => c.Status == PreflightStatus.Failed) is { } failed)
            return await RefuseCreateAsync(actor, request, Refusal.Invalid(Fields.Preflight, $"{failed.Name}: {failed.Message}"), ct);
        // A refused validation is decided (and audited) again by the domain below.
        var started = await clusters.CreateAsync(actor, request, ct);
        return started.Succeeded ? started.Value!.ClusterId : started.Refusal!;
    }

    /// <summary>
    /// Validates the whole request, then asks the cloud, with the infrastructure's credentials, whether it can hold the
    /// cluster: quota headroom for the VMs, vCPUs and RAM it needs, the flavors and image still there, the external
    /// network still there. A check that cannot run comes back as a warning.
    /// </summary>
    public async Task<Result<IReadOnlyList<PreflightCheck>>> PreflightAsync(Actor actor, CreateClusterRequest request, CancellationToken ct = default)
    {
        var validated = await clusters.ValidateAsync(actor, request, ClusterWizardStep.Review, ct);
        if (!validated.Succeeded) return validated.Refusal!;
        var spec = validated.Value!;
        var stored = await infrastructures.GetCredentialsAsync(spec.InfrastructureId, ct);
        if (stored is null) return Refusal.NotFound("The infrastructure");
        var connection = cloudProviders.For(stored.Value.Provider).Connection(stored.Value.Connection, stored.Value.Secret);
        var machines = spec.Pools.Select(p => new PreflightMachines(p.Flavor.ProviderId, p.Flavor.Name, p.Flavor.Vcpus, p.Flavor.RamMb, p.NodeCount)).ToList();
        if (spec.ControlPlane == ControlPlaneType.Standalone && spec.ControlPlaneFlavor is { } cp)
            machines.Insert(0, new PreflightMachines(cp.ProviderId, cp.Name, cp.Vcpus, cp.RamMb, spec.Replicas));
        var checks = await preflight.RunAsync(connection, new PreflightRequest(spec.InfrastructureId, machines, spec.Image.ProviderId, spec.Image.Name,
            spec.ExternalNetworkId, spec.ExternalNetworkName), ct);
        return Result<IReadOnlyList<PreflightCheck>>.Ok(checks);
    }

    /// <summary>
    /// The cluster's admin kubeconfig, read from the management cluster's <c>{name}-kubeconfig</c> secret. Only for
    /// members and admins of the cluster's tenant; every download is audited; the content is never logged.
    /// </summary>
    public async Task<Result<string>> KubeconfigAsync(Actor actor, Guid clusterId, CancellationToken ct = default)
    {
        var target = await clusters.AuthorizeKubeconfigAsync(actor, clusterId, ct);
        if (!target.Succeeded) return target.Refusal!;
        var client = await management.ForInfrastructureAsync(target.Value!.InfrastructureId, ct);
        if (!client.Succeeded) return Refusal.Conflict($"The management cluster cannot be reached: {client.Error!.Message}");
        var secret = await client.Value!.GetAsync("v1", "Secret", ClusterManifests.NamespaceFor(clusterId), $"{target.Value.Name}-kubeconfig", ct);
        if (!secret.Succeeded)
            return secret.IsNotFound
                ? Refusal.Conflict("The cluster's kubeconfig is not there yet: its control plane has not finished initializing.")
                : Refusal.Conflict($"Could not read the kubeconfig from the management cluster: {secret.Error!.Message}");
        var encoded = secret.Value!["data"]?["value"]?.GetValue<string>();
        if (encoded is null) return Refusal.Conflict("The management cluster's kubeconfig secret for this cluster is empty.");
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return Refusal.Conflict("The management cluster's kubeconfig secret for this cluster is not valid base64.");
        }
    }

    /// <summary>Checks and stores (or with null removes) an infrastructure's management cluster kubeconfig. Platform admins.</summary>
    public async Task<Result> SetManagementClusterAsync(Actor actor, Guid infrastructureId, int expectedVersion, string? kubeconfig, CancellationToken ct = default)
    {
        string? server = null;
        if (kubeconfig is not null)
        {
            if (!actor.IsPlatformAdmin)
                return await RefuseAsync(actor, infrastructureId, Refusal.Forbidden("Only platform admins can configure management clusters."), ct);
            var checkedConfig = await management.CheckAsync(kubeconfig, ct);
            if (!checkedConfig.Succeeded) return await RefuseAsync(actor, infrastructureId, checkedConfig.Refusal!, ct);
            server = checkedConfig.Value;
        }
        return await infrastructures.SetManagementClusterAsync(actor, infrastructureId, expectedVersion, kubeconfig, server, ct);
    }

    private async Task<Refusal> RefuseCreateAsync(Actor actor, CreateClusterRequest request, Refusal refusal, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await audit.RecordRefusalAsync(db, actor, new AuditSubject("mks-cluster.create", ClusterOperations.ClusterTarget, null, request.Name?.Trim() ?? "",
            new { request.ProjectId, request.ServiceConfigId, request.Name, request.Version }), refusal, ct);
        return refusal;
    }

    private async Task<Refusal> RefuseAsync(Actor actor, Guid infrastructureId, Refusal refusal, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await audit.RecordRefusalAsync(db, actor, new AuditSubject("infrastructure.set-management-cluster", "Infrastructure", infrastructureId.ToString(), "",
            new { kubeconfig = "(redacted)" }), refusal, ct);
        return refusal;
    }
}

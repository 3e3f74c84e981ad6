using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.ServiceConfigs;

/// <summary>
/// The platform changes that need the outside world before the domain's rules: the cloud's list of external networks
/// (MKS), the management cluster and kubeconfig checks (PostgreSQL). Everything else a page asks of a platform (upgrade,
/// enable, delete) goes to <see cref="ServiceConfigService"/> directly.
/// </summary>
public sealed class PlatformCommands(ServiceConfigService configs, CloudCatalogReader cloud, PlatformClusters clusters,
    IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit)
{
    /// <summary>Parses a kubeconfig and describes it without its secrets, or says precisely what is wrong with it.</summary>
    public static Result<string> Summarize(string kubeconfig)
    {
        var parsed = Kubeconfig.Validate(kubeconfig);
        return parsed.Succeeded ? parsed.Value!.Describe() : Refusal.Invalid(Fields.Kubeconfig, parsed.Error!.Message);
    }

    public async Task<Result> CreateMksAsync(Actor actor, Guid serviceConfigId, string? networkId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-platform.create", ServiceConfigService.PlatformTargetType, null, "MKS network platform", new { serviceConfigId, networkId });
        if (!actor.IsPlatformAdmin) return await RefuseAsync(actor, subject, Refusal.Forbidden("Only platform admins can add platforms."), ct);
        if (string.IsNullOrWhiteSpace(networkId)) return await RefuseAsync(actor, subject, Refusal.Invalid(Fields.ExternalNetwork, "Choose the external network clusters attach to."), ct);
        var infrastructureId = await configs.InfrastructureOfAsync(serviceConfigId, ct);
        if (infrastructureId is null) return await RefuseAsync(actor, subject, Refusal.NotFound("The Service Config"), ct);
        // Checked live: the network must exist in the cloud now, not just when the dialog opened.
        var listing = await cloud.ReadAsync(actor, infrastructureId.Value, ct);
        if (!listing.Succeeded) return await RefuseAsync(actor, subject, listing.Refusal!, ct);
        var network = listing.Value!.ExternalNetworks.FirstOrDefault(n => n.Id == networkId);
        if (network is null) return await RefuseAsync(actor, subject, Refusal.Invalid(Fields.ExternalNetwork, "The cloud no longer lists that external network. Choose another."), ct);
        var created = await configs.CreateMksPlatformAsync(actor, serviceConfigId, network.Id, network.Name, ct);
        return created.Succeeded ? Result.Ok() : created.Refusal!;
    }

    public async Task<Result<Guid>> CreatePostgresAsync(Actor actor, Guid serviceConfigId, PostgresMode mode, string? operatorVersion, string? kubeconfig,
        CancellationToken ct = default)
    {
        string? server = null;
        // The kubeconfig is a secret: the audit records only whether one was given.
        var subject = new AuditSubject("postgres-platform.create", ServiceConfigService.PlatformTargetType, null, "PostgreSQL platform",
            new { serviceConfigId, mode = mode.ToString(), operatorVersion, kubeconfig = kubeconfig is null ? null : "(redacted)" });
        if (mode == PostgresMode.Managed && await configs.InfrastructureOfAsync(serviceConfigId, ct) is { } infrastructureId
            && await clusters.ManagementClusterAsync(infrastructureId, ct) is { Succeeded: false } management)
            return await RefuseAsync(actor, subject, Refusal.Invalid(Fields.Mode, management.Error!.Message), ct);
        if (mode != PostgresMode.Managed && !string.IsNullOrWhiteSpace(kubeconfig))
        {
            var parsed = Kubeconfig.Validate(kubeconfig);
            if (!parsed.Succeeded) return await RefuseAsync(actor, subject, Refusal.Invalid(Fields.Kubeconfig, parsed.Error!.Message), ct);
            server = parsed.Value!.Server.ToString();
        }

        var created = await configs.CreatePostgresPlatformAsync(actor, serviceConfigId, mode, operatorVersion, kubeconfig, server, ct);
        return created.Succeeded ? created.Value!.PlatformId : created.Refusal!;
    }

    /// <summary>Records a refusal decided here, before the domain call (which audits its own), and returns it.</summary>
    private async Task<Refusal> RefuseAsync(Actor actor, AuditSubject subject, Refusal refusal, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await audit.RecordRefusalAsync(db, actor, subject, refusal, ct);
        return refusal;
    }
}

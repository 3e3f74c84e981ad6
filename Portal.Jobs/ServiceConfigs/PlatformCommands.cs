using Portal.Domain.Common;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;

namespace Portal.Jobs.ServiceConfigs;

/// <summary>
/// Platform changes that need the outside world before or after the rules: the cloud's list of external
/// networks (MKS), kubeconfig validation (PostgreSQL), and handing the recorded operation to the engine.
/// </summary>
public sealed class PlatformCommands(ServiceConfigService configs, CloudCatalogReader cloud, OperationService operations, PlatformClusters clusters)
{
    /// <summary>Parses a kubeconfig and describes it without its secrets, or says precisely what is wrong with it.</summary>
    public static Result<string> Summarize(string kubeconfig)
    {
        var parsed = Kubeconfig.Validate(kubeconfig);
        return parsed.Succeeded ? parsed.Value!.Describe() : Refusal.Invalid("Kubeconfig", parsed.Error!.Message);
    }

    public async Task<Result> CreateMksAsync(Actor actor, Guid serviceConfigId, string? networkId, CancellationToken ct = default)
    {
        if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can add platforms.");
        if (string.IsNullOrWhiteSpace(networkId)) return Refusal.Invalid("External network", "Choose the external network clusters attach to.");
        var infrastructureId = await configs.InfrastructureOfAsync(serviceConfigId, ct);
        if (infrastructureId is null) return Refusal.NotFound("The Service Config");
        // Checked live: the network must exist in the cloud now, not just when the dialog opened.
        var listing = await cloud.ReadAsync(actor, infrastructureId.Value, ct);
        if (!listing.Succeeded) return listing.Refusal!;
        var network = listing.Value!.ExternalNetworks.FirstOrDefault(n => n.Id == networkId);
        if (network is null) return Refusal.Invalid("External network", "The cloud no longer lists that external network. Choose another.");
        var created = await configs.CreateMksPlatformAsync(actor, serviceConfigId, network.Id, network.Name, ct);
        return created.Succeeded ? Result.Ok() : created.Refusal!;
    }

    public async Task<Result<Guid>> CreatePostgresAsync(Actor actor, Guid serviceConfigId, PostgresMode mode, string? operatorVersion, string? kubeconfig,
        CancellationToken ct = default)
    {
        string? server = null;
        if (mode == PostgresMode.Managed && await configs.InfrastructureOfAsync(serviceConfigId, ct) is { } infrastructureId
            && await clusters.ManagementClusterAsync(infrastructureId, ct) is { Succeeded: false } management)
            return Refusal.Invalid("Mode", management.Error!.Message);
        if (mode != PostgresMode.Managed && !string.IsNullOrWhiteSpace(kubeconfig))
        {
            var parsed = Kubeconfig.Validate(kubeconfig);
            if (!parsed.Succeeded) return Refusal.Invalid("Kubeconfig", parsed.Error!.Message);
            server = parsed.Value!.Server.ToString();
        }

        var created = await configs.CreatePostgresPlatformAsync(actor, serviceConfigId, mode, operatorVersion, kubeconfig, server,
            target => operations.Prepare(actor, new OperationRequest(CreatePostgresPlatformHandler.OperationKind, target, new { mode = mode.ToString(), operatorVersion })), ct);
        if (!created.Succeeded) return created.Refusal!;
        await operations.DispatchAsync(created.Value!.OperationId, ct);
        return created.Value.PlatformId;
    }

    public async Task<Result> UpgradeAsync(Actor actor, Guid platformId, int expectedVersion, string? version, CancellationToken ct = default)
    {
        var started = await configs.UpgradeAsync(actor, platformId, expectedVersion, version,
            target => operations.Prepare(actor, new OperationRequest(UpgradePostgresPlatformHandler.OperationKind, target, new { version })), ct);
        if (!started.Succeeded) return started.Refusal!;
        await operations.DispatchAsync(started.Value, ct);
        return Result.Ok();
    }

    /// <summary>Deletes a platform in order; a PostgreSQL platform's deletion runs as an operation.</summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid platformId, CancellationToken ct = default)
    {
        var deleted = await configs.DeletePlatformAsync(actor, platformId,
            target => operations.Prepare(actor, new OperationRequest(DeletePostgresPlatformHandler.OperationKind, target)), ct);
        if (!deleted.Succeeded) return deleted.Refusal!;
        if (deleted.Value is { } operationId) await operations.DispatchAsync(operationId, ct);
        return Result.Ok();
    }
}

using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;
using PlatformSteps = Portal.Domain.ServiceConfigs.PlatformOperations.Steps;

namespace Portal.Jobs.ServiceConfigs;

/// <summary>
/// What the three PostgreSQL platform operations share: loading the platform, reaching its clusters, turning
/// Kubernetes faults into step outcomes, and waiting for a condition while reporting progress.
/// </summary>
public abstract class PostgresPlatformHandler(ServiceConfigService configs, PlatformClusters clusters, TimeProvider clock) : IOperationHandler
{
    /// <summary>How long a wait step waits before failing; the cluster may still converge later (retry then).</summary>
    public static TimeSpan WaitLimit { get; set; } = TimeSpan.FromMinutes(15);
    public static TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public abstract string Kind { get; }
    public abstract IReadOnlyList<OperationStepDefinition> Steps { get; }

    /// <summary>The platform follows its operation's new state by the domain's rule, in the same save (<see cref="ServicePlatform.Follow"/>).</summary>
    public Task ApplyOutcomeAsync(PortalDbContext db, Operation operation, CancellationToken ct) => PlatformOperations.FollowAsync(db, operation, ct);

    protected ServiceConfigService Configs => configs;
    protected PlatformClusters Clusters => clusters;

    protected async Task<PlatformDetail?> PlatformAsync(StepContext context, CancellationToken ct) =>
        Guid.TryParse(context.Target.Id, out var id) ? await configs.FindPlatformAsync(id, ct) : null;

    protected static StepOutcome Gone() =>
        StepOutcome.Failed("The platform no longer exists; there is nothing left to do.");

    /// <summary>Unreachable, timeouts and server errors pass; the rest need a person.</summary>
    protected static StepOutcome FromError(RemoteError error, string doing) => StepOutcome.FromRemote(error, doing);

    protected async Task<StepOutcome> ConnectAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        var client = await clusters.WorkloadClusterAsync(platform, ct);
        if (!client.Succeeded) return FromError(client.Error!, "Could not reach the cluster");
        var version = await client.Value!.VersionAsync(ct);
        return version.Succeeded
            ? StepOutcome.Succeeded($"Connected to {client.Value.Connection.Server} (Kubernetes {version.Value!.GitVersion}).")
            : FromError(version.Error!, $"Could not reach the cluster at {client.Value.Connection.Server}");
    }

    protected async Task<StepOutcome> ApplyOperatorAsync(StepContext context, string version, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        var client = await clusters.WorkloadClusterAsync(platform, ct);
        if (!client.Succeeded) return FromError(client.Error!, "Could not reach the cluster");
        foreach (var manifest in new[] { PlatformManifests.Namespace(PlatformManifests.OperatorNamespace, platform.Id), PlatformManifests.OperatorDeploymentFor(platform.Id, version) })
        {
            var applied = await client.Value!.ApplyAsync(manifest, ct);
            if (!applied.Succeeded) return FromError(applied.Error!, $"Could not apply the operator's {manifest["kind"]}");
        }
        return StepOutcome.Succeeded($"Applied CloudNativePG {version} in namespace {PlatformManifests.OperatorNamespace}.");
    }

    protected async Task<StepOutcome> WaitForOperatorAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        var client = await clusters.WorkloadClusterAsync(platform, ct);
        if (!client.Succeeded) return FromError(client.Error!, "Could not reach the cluster");
        return await WaitAsync(context, "the operator", async () =>
        {
            var status = await client.Value!.GetStatusAsync("apps/v1", "Deployment", PlatformManifests.OperatorNamespace, PlatformManifests.OperatorDeployment, ct);
            if (!status.Succeeded) return (null, FromError(status.Error!, "Could not read the operator's status"));
            // As `kubectl rollout status` does: the controller has seen the latest spec and every replica runs it.
            // Available alone is still True from the old version while a rolling update begins.
            var current = status.Value!;
            var desired = KubeJson.Long(current.Status, "replicas") ?? 1;
            var rolledOut = current.IsCurrent
                && (KubeJson.Long(current.Status, "updatedReplicas") ?? 0) >= desired
                && (KubeJson.Long(current.Status, "availableReplicas") ?? 0) >= desired;
            var available = current.Condition("Available");
            if (rolledOut && available is { IsTrue: true }) return (StepOutcome.Succeeded("The operator is available."), null);
            if (available is { IsFalse: true, Reason: not ("MinimumReplicasUnavailable" or null) })
                return (StepOutcome.Failed($"The operator did not become available: {available.Reason}: {available.Message}"), null);
            return (null, null);
        }, ct);
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it gives an outcome. A probe error that passes is reported and
    /// polled through; one that does not ends the wait.
    /// </summary>
    protected async Task<StepOutcome> WaitAsync(StepContext context, string what, Func<Task<(StepOutcome? Done, StepOutcome? Error)>> probe, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var reported = false;
        while (true)
        {
            var (done, error) = await probe();
            if (done is not null) return done;
            if (error is { Kind: StepOutcomeKind.Failed }) return error;
            if (clock.GetUtcNow() - started > WaitLimit)
                return StepOutcome.Failed($"Gave up waiting for {what} after {WaitLimit.TotalMinutes:0} minutes. Check the cluster, then retry.");
            if (!reported || error is not null)
            {
                await context.ReportAsync(error?.Message ?? $"Waiting for {what}…", ct);
                reported = true;
            }
            await Task.Delay(PollInterval, clock, ct);
        }
    }
}

/// <summary>Sets up a PostgreSQL platform: the backing cluster (Managed), then the operator (not for External).</summary>
public sealed class CreatePostgresPlatformHandler(ServiceConfigService configs, PlatformClusters clusters, TimeProvider clock)
    : PostgresPlatformHandler(configs, clusters, clock)
{
    public override string Kind => PlatformOperations.CreatePostgres;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(PlatformSteps.ProvisionBackingCluster, ProvisionAsync),
        new(PlatformSteps.WaitForBackingCluster, WaitForBackingClusterAsync),
        new(PlatformSteps.Connect, ConnectAsync),
        new(PlatformSteps.InstallOperator, InstallAsync),
        new(PlatformSteps.WaitForOperator, WaitForOperatorUnlessExternalAsync),
        new(PlatformSteps.Activate, ActivateAsync),
    ];

    private async Task<StepOutcome> ProvisionAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        if (platform.PostgresMode != PostgresMode.Managed) return StepOutcome.Skipped("Not Managed mode: the cluster is brought by the operator.");
        var network = await Configs.MksNetworkAsync(platform.ServiceConfigId, ct);
        if (network is null) return StepOutcome.Failed("The Service Config has no MKS network platform any more; the backing cluster needs its external network.");
        var management = await Clusters.ManagementClusterAsync(platform.InfrastructureId, ct);
        if (!management.Succeeded) return FromError(management.Error!, "No management cluster");
        foreach (var manifest in PlatformManifests.BackingCluster(platform.Id, network))
        {
            var applied = await management.Value!.ApplyAsync(manifest, ct);
            if (!applied.Succeeded) return FromError(applied.Error!, $"Could not apply the backing cluster's {manifest["kind"]}");
        }
        return StepOutcome.Succeeded($"Applied backing cluster {PlatformManifests.BackingClusterName(platform.Id)}.");
    }

    private async Task<StepOutcome> WaitForBackingClusterAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        if (platform.PostgresMode != PostgresMode.Managed) return StepOutcome.Skipped("Not Managed mode.");
        var management = await Clusters.ManagementClusterAsync(platform.InfrastructureId, ct);
        if (!management.Succeeded) return FromError(management.Error!, "No management cluster");
        var name = PlatformManifests.BackingClusterName(platform.Id);
        return await WaitAsync(context, $"backing cluster {name}", async () =>
        {
            var status = await management.Value!.GetStatusAsync("cluster.x-k8s.io/v1beta1", "Cluster", PlatformManifests.PlatformsNamespace, name, ct);
            if (!status.Succeeded) return (null, FromError(status.Error!, "Could not read the backing cluster's status"));
            var ready = status.Value!.Condition("ControlPlaneReady");
            if (ready is { IsTrue: true }) return (StepOutcome.Succeeded($"Backing cluster {name} is up."), null);
            var failed = status.Value.Conditions.FirstOrDefault(c => c.IsFalse && c.Severity == "Error");
            if (failed is not null) return (StepOutcome.Failed($"The backing cluster failed: {failed.Reason}: {failed.Message}"), null);
            return (null, null);
        }, ct);
    }

    private async Task<StepOutcome> InstallAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        if (platform.PostgresMode == PostgresMode.External) return StepOutcome.Skipped("External: record only, Portal installs nothing.");
        return await ApplyOperatorAsync(context, platform.TargetOperatorVersion ?? platform.OperatorVersion ?? ServicePlatform.PostgresOperatorVersions[^1], ct);
    }

    private async Task<StepOutcome> WaitForOperatorUnlessExternalAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        return platform.PostgresMode == PostgresMode.External
            ? StepOutcome.Skipped("External: record only.")
            : await WaitForOperatorAsync(context, ct);
    }

    /// <summary>Everything is in place: the operation's success, saved with this step's, makes the platform Active.</summary>
    private async Task<StepOutcome> ActivateAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        return StepOutcome.Succeeded("The platform is active.");
    }
}

/// <summary>Upgrades the operator of a Managed or Managed tools platform to the chosen version.</summary>
public sealed class UpgradePostgresPlatformHandler(ServiceConfigService configs, PlatformClusters clusters, TimeProvider clock)
    : PostgresPlatformHandler(configs, clusters, clock)
{
    public override string Kind => PlatformOperations.UpgradePostgres;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(PlatformSteps.Connect, ConnectAsync),
        new(PlatformSteps.UpgradeOperator, UpgradeAsync),
        new(PlatformSteps.WaitForOperator, WaitForOperatorAsync),
        new(PlatformSteps.RecordVersion, RecordAsync),
    ];

    private async Task<StepOutcome> UpgradeAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        if (platform.TargetOperatorVersion is not { } version) return StepOutcome.Skipped("No upgrade is pending.");
        return await ApplyOperatorAsync(context, version, ct);
    }

    /// <summary>The new operator runs: the operation's success, saved with this step's, records its version on the platform.</summary>
    private async Task<StepOutcome> RecordAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return Gone();
        return StepOutcome.Succeeded($"The platform runs operator {platform.TargetOperatorVersion ?? platform.OperatorVersion}.");
    }
}

/// <summary>Deletes a PostgreSQL platform: what Portal installed (operator, or the whole backing cluster), then the record.</summary>
public sealed class DeletePostgresPlatformHandler(ServiceConfigService configs, PlatformClusters clusters, TimeProvider clock)
    : PostgresPlatformHandler(configs, clusters, clock)
{
    public override string Kind => PlatformOperations.DeletePostgres;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(PlatformSteps.RemoveOperator, RemoveOperatorAsync),
        new(PlatformSteps.DeleteBackingCluster, DeleteBackingClusterAsync),
        new(PlatformSteps.RemovePlatform, RemoveAsync),
    ];

    private async Task<StepOutcome> RemoveOperatorAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return StepOutcome.Skipped("The platform is already gone.");
        if (platform.PostgresMode != PostgresMode.ManagedTools)
            return StepOutcome.Skipped(platform.PostgresMode == PostgresMode.External ? "External: Portal installed nothing." : "Managed: removed with the backing cluster.");
        if (platform.OperatorVersion is null && !await Configs.HasSucceededStepAsync(platform.Id, PlatformSteps.InstallOperator, ct))
            return StepOutcome.Skipped("The operator was never installed on the cluster; nothing to remove there.");
        var client = await Clusters.WorkloadClusterAsync(platform, ct);
        if (!client.Succeeded) return FromError(client.Error!, "Could not reach the cluster");
        var deployment = await client.Value!.DeleteAsync("apps/v1", "Deployment", PlatformManifests.OperatorNamespace, PlatformManifests.OperatorDeployment, ct);
        if (!deployment.Succeeded) return FromError(deployment.Error!, "Could not delete the operator");
        var ns = await client.Value.DeleteAsync("v1", "Namespace", null, PlatformManifests.OperatorNamespace, ct);
        return ns.Succeeded ? StepOutcome.Succeeded("Removed the operator and its namespace.") : FromError(ns.Error!, "Could not delete the operator's namespace");
    }

    private async Task<StepOutcome> DeleteBackingClusterAsync(StepContext context, CancellationToken ct)
    {
        var platform = await PlatformAsync(context, ct);
        if (platform is null) return StepOutcome.Skipped("The platform is already gone.");
        if (platform.PostgresMode != PostgresMode.Managed) return StepOutcome.Skipped("Not Managed mode: no backing cluster.");
        var management = await Clusters.ManagementClusterAsync(platform.InfrastructureId, ct);
        if (!management.Succeeded) return FromError(management.Error!, "No management cluster");
        var name = PlatformManifests.BackingClusterName(platform.Id);
        var deleted = await management.Value!.DeleteAsync("cluster.x-k8s.io/v1beta1", "Cluster", PlatformManifests.PlatformsNamespace, name, ct);
        if (!deleted.Succeeded) return FromError(deleted.Error!, "Could not delete the backing cluster");
        return await WaitAsync(context, $"backing cluster {name} to be deleted", async () =>
        {
            var current = await management.Value.GetAsync("cluster.x-k8s.io/v1beta1", "Cluster", PlatformManifests.PlatformsNamespace, name, ct);
            if (current.IsNotFound) return (StepOutcome.Succeeded($"Backing cluster {name} is deleted."), null);
            return current.Succeeded ? (null, null) : (null, FromError(current.Error!, "Could not read the backing cluster"));
        }, ct);
    }

    private async Task<StepOutcome> RemoveAsync(StepContext context, CancellationToken ct)
    {
        if (!Guid.TryParse(context.Target.Id, out var id)) return StepOutcome.Failed("The operation names no platform.");
        await Configs.RemovePlatformAsync(id, ct);
        return StepOutcome.Succeeded("The platform is deleted.");
    }
}

using Portal.Domain.Common;
using Portal.Domain.Operations;

namespace Portal.Domain.ServiceConfigs;

public enum PlatformKind
{
    /// <summary>Managed Kubernetes network platform: data only, holds the external network.</summary>
    Mks = 0,
    /// <summary>PostgreSQL through the CloudNativePG operator.</summary>
    PostgreSql = 1,
}

public enum PostgresMode
{
    /// <summary>Portal provisions and owns a backing Kubernetes cluster, then installs the operator on it.</summary>
    Managed = 0,
    /// <summary>The operator is installed onto a cluster the operator brings (kubeconfig).</summary>
    ManagedTools = 1,
    /// <summary>Record only: a database managed elsewhere; a kubeconfig connects the cluster it runs on.</summary>
    External = 2,
}

public enum PlatformState
{
    /// <summary>Its create operation is running.</summary>
    Provisioning = 0,
    Active = 1,
    Upgrading = 2,
    Deleting = 3,
    /// <summary>Its last operation failed; retry it from the platform's history, or delete the platform.</summary>
    Failed = 4,
}

/// <summary>
/// The configuration of one managed service inside a Service Config; at most one per kind. Enabling and
/// disabling gates new use only and never tears anything down.
/// </summary>
public sealed class ServicePlatform : IVersioned
{
    /// <summary>CloudNativePG operator versions Portal can install, oldest first.</summary>
    public static readonly IReadOnlyList<string> PostgresOperatorVersions = ["1.24.4", "1.25.2", "1.26.1"];

    private ServicePlatform() { }

    public Guid Id { get; private set; }
    public Guid ServiceConfigId { get; private set; }
    public ServiceConfig? ServiceConfig { get; private set; }
    public PlatformKind Kind { get; private set; }
    public bool Enabled { get; private set; } = true;
    public PlatformState State { get; private set; }
    public string StateReason { get; private set; } = "";

    // MKS network platform
    public string? ExternalNetworkId { get; private set; }
    public string? ExternalNetworkName { get; private set; }

    // PostgreSQL platform
    public PostgresMode? PostgresMode { get; private set; }
    public string? OperatorVersion { get; private set; }
    /// <summary>The target version while an upgrade runs.</summary>
    public string? TargetOperatorVersion { get; private set; }
    /// <summary>Kubeconfig of the cluster (Managed tools, External), encrypted; never sent to a browser.</summary>
    public string? ProtectedKubeconfig { get; private set; }
    /// <summary>The cluster's API server as the kubeconfig names it (not secret; shown).</summary>
    public string? ClusterServer { get; private set; }

    // The object store databases on a PostgreSQL platform back up to (configured once by a platform admin).
    /// <summary>Where backups go, e.g. <c>s3://backups/portal</c>.</summary>
    public string? BackupDestinationPath { get; private set; }
    /// <summary>The S3 endpoint of a store that is not AWS (MinIO, Ceph), or null.</summary>
    public string? BackupEndpointUrl { get; private set; }
    public string? BackupAccessKeyId { get; private set; }
    /// <summary>The store's secret key, encrypted; never sent to a browser.</summary>
    public string? ProtectedBackupSecretKey { get; private set; }

    public bool HasBackupStore => BackupDestinationPath is not null && ProtectedBackupSecretKey is not null;

    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    /// <summary>Sets the backup object store; a null <paramref name="protectedSecretKey"/> keeps the stored key.</summary>
    public Result SetBackupStore(string destinationPath, string? endpointUrl, string accessKeyId, string? protectedSecretKey)
    {
        if (Kind != PlatformKind.PostgreSql || PostgresMode == ServiceConfigs.PostgresMode.External)
            return Refusal.Invalid(Fields.BackupDestination, "Only Managed and Managed tools PostgreSQL platforms deploy databases, so only they have a backup object store.");
        if (protectedSecretKey is null && ProtectedBackupSecretKey is null)
            return Refusal.Invalid(Fields.BackupSecretKey, "The secret access key is required.");
        BackupDestinationPath = destinationPath;
        BackupEndpointUrl = endpointUrl;
        BackupAccessKeyId = accessKeyId;
        ProtectedBackupSecretKey = protectedSecretKey ?? ProtectedBackupSecretKey;
        return Result.Ok();
    }

    /// <summary>Why no new database can be placed on this platform now, or null.</summary>
    public string? WhyNoNewDatabases() =>
        Kind != PlatformKind.PostgreSql ? "It is not a PostgreSQL platform."
        : PostgresMode == ServiceConfigs.PostgresMode.External ? "Its PostgreSQL platform is External: it records a database managed elsewhere, and Portal deploys nothing there."
        : !Enabled ? "Its PostgreSQL platform is disabled: it takes no new databases."
        : State != PlatformState.Active ? $"Its PostgreSQL platform is {State.ToString().ToLowerInvariant()}, not active."
        : null;

    public static ServicePlatform CreateMks(Guid serviceConfigId, string networkId, string networkName, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        ServiceConfigId = serviceConfigId,
        Kind = PlatformKind.Mks,
        State = PlatformState.Active, // data only: available at once
        ExternalNetworkId = networkId,
        ExternalNetworkName = networkName,
        CreatedAt = now,
    };

    public static ServicePlatform CreatePostgres(Guid serviceConfigId, PostgresMode mode, string operatorVersion, string? protectedKubeconfig,
        string? clusterServer, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        ServiceConfigId = serviceConfigId,
        Kind = PlatformKind.PostgreSql,
        State = PlatformState.Provisioning,
        PostgresMode = mode,
        // External runs nothing Portal installs: it has no operator version of Portal's.
        TargetOperatorVersion = mode == ServiceConfigs.PostgresMode.External ? null : operatorVersion,
        ProtectedKubeconfig = protectedKubeconfig,
        ClusterServer = clusterServer,
        CreatedAt = now,
    };

    public void SetEnabled(bool enabled) => Enabled = enabled;

    /// <summary>The create or upgrade operation finished.</summary>
    public void MarkActive()
    {
        if (State is not (PlatformState.Provisioning or PlatformState.Upgrading or PlatformState.Failed))
            throw new InvalidOperationException($"A {State} platform cannot become active.");
        if (TargetOperatorVersion is not null)
        {
            OperatorVersion = TargetOperatorVersion;
            TargetOperatorVersion = null;
        }
        State = PlatformState.Active;
        StateReason = "";
    }

    /// <summary>An operation on the platform failed; the reason is shown on its page.</summary>
    public void MarkFailed(string reason)
    {
        if (State is PlatformState.Active)
            throw new InvalidOperationException("An active platform has no operation that could fail.");
        State = PlatformState.Failed;
        StateReason = reason.Length > 1000 ? reason[..1000] : reason;
    }

    /// <summary>A failed operation is being retried.</summary>
    public void Resume(PlatformState state)
    {
        if (State != PlatformState.Failed)
            throw new InvalidOperationException($"Only a failed platform can be resumed; this one is {State}.");
        State = state;
        StateReason = "";
    }

    /// <summary>
    /// Follows its operation's new state, in the transaction that records it (see <see cref="PlatformOperations.FollowAsync"/>).
    /// Succeeded: a create or upgrade leaves it Active on the version it installed. Failed: Failed with the operation's
    /// error. Cancelled: an upgrade stopped before the new operator was applied keeps the version it runs; one stopped
    /// after it cannot claim either version and is Failed saying so; a cancelled create or delete is Failed. Queued again
    /// by a retry: back in the state the operation drives.
    /// </summary>
    public void Follow(Operation operation)
    {
        if (!PlatformOperations.IsPlatformKind(operation.Kind))
            throw new ArgumentException($"Operation {operation.Id} ({operation.Kind}) is not a platform operation.", nameof(operation));
        switch (operation.State)
        {
            case OperationState.Succeeded:
                // A delete's last step removed the row; a create or upgrade is done.
                if (operation.Kind != PlatformOperations.DeletePostgres && State != PlatformState.Active) MarkActive();
                break;
            case OperationState.Failed:
                if (State != PlatformState.Active) MarkFailed(operation.Error ?? "The platform's last operation failed.");
                break;
            case OperationState.Cancelled:
                FollowCancel(operation);
                break;
            case OperationState.Queued or OperationState.Running:
                if (State == PlatformState.Failed) Resume(PlatformOperations.Progress(operation.Kind));
                break;
        }
    }

    private void FollowCancel(Operation operation)
    {
        if (operation.Kind == PlatformOperations.UpgradePostgres)
        {
            // Once the new operator was applied the cluster may run it: do not claim the old version.
            var applied = operation.Steps.Any(s => s.Name == PlatformOperations.Steps.UpgradeOperator && s.State == StepState.Succeeded);
            if (applied)
                MarkFailed($"The upgrade to {TargetOperatorVersion} was cancelled after the new operator was applied; the cluster may run either version. Upgrade again to finish.");
            else
                AbandonUpgrade();
        }
        else if (State != PlatformState.Active)
        {
            MarkFailed(operation.Kind == PlatformOperations.DeletePostgres
                ? "Deletion was cancelled part-way. Delete the platform again to finish."
                : "Setting up was cancelled. Delete the platform, then add it again.");
        }
    }

    /// <summary>The operator versions the platform can be upgraded to (newer than the one it runs), oldest first.</summary>
    public IReadOnlyList<string> UpgradeVersions => OperatorVersion is { } current
        ? PostgresOperatorVersions.SkipWhile(v => v != current).Skip(1).ToList()
        : [];

    /// <summary>Why the platform cannot be upgraded now (to any version), or null: what <see cref="BeginUpgrade"/> refuses before it looks at the version.</summary>
    public Refusal? CheckUpgrade()
    {
        if (Kind != PlatformKind.PostgreSql)
            return Refusal.Invalid(Fields.Version, "Only tool platforms such as PostgreSQL have versions to upgrade.");
        if (PostgresMode == ServiceConfigs.PostgresMode.External)
            return Refusal.Invalid(Fields.Version, "An External platform runs nothing Portal installed, so there is nothing to upgrade.");
        // A failed platform that runs an operator (an upgrade failed or was cancelled part-way) may be upgraded again.
        if (State != PlatformState.Active && !(State == PlatformState.Failed && OperatorVersion is not null))
            return Refusal.Conflict($"The platform is {State.ToString().ToLowerInvariant()}; it can be upgraded once it is active.");
        return null;
    }

    public Result BeginUpgrade(string version)
    {
        if (CheckUpgrade() is { } refused) return refused;
        var index = PostgresOperatorVersions.ToList().IndexOf(version);
        if (index < 0)
            return Refusal.Invalid(Fields.Version, $"Choose one of the supported operator versions: {string.Join(", ", PostgresOperatorVersions)}.");
        var current = OperatorVersion is null ? -1 : PostgresOperatorVersions.ToList().IndexOf(OperatorVersion);
        if (index <= current)
            return Refusal.Invalid(Fields.Version, $"Version {version} is not newer than the installed {OperatorVersion}.");
        TargetOperatorVersion = version;
        State = PlatformState.Upgrading;
        return Result.Ok();
    }

    /// <summary>A cancelled upgrade: the platform stays on the version it runs.</summary>
    public void AbandonUpgrade()
    {
        if (State is not (PlatformState.Upgrading or PlatformState.Failed))
            throw new InvalidOperationException($"A {State} platform has no upgrade to abandon.");
        TargetOperatorVersion = null;
        State = PlatformState.Active;
        StateReason = "";
    }

    /// <summary>Why the platform's state does not allow a delete now, or null (what <see cref="BeginDelete"/> refuses by).</summary>
    public Refusal? CheckDelete()
    {
        if (State is PlatformState.Deleting)
            return Refusal.Conflict("The platform is already being deleted.");
        if (State is PlatformState.Provisioning or PlatformState.Upgrading)
            return Refusal.Conflict($"The platform is {State.ToString().ToLowerInvariant()}. Cancel that operation or wait for it to finish first.");
        return null;
    }

    public Result BeginDelete()
    {
        if (CheckDelete() is { } refused) return refused;
        State = PlatformState.Deleting;
        StateReason = "";
        return Result.Ok();
    }

    public string Describe() => Kind switch
    {
        PlatformKind.Mks => "MKS network platform",
        PlatformKind.PostgreSql => "PostgreSQL platform",
    };
}

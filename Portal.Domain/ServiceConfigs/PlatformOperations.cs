using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Operations;

namespace Portal.Domain.ServiceConfigs;

/// <summary>
/// The kinds of operation a PostgreSQL platform runs: their steps (which the engine's handlers implement by name), the
/// state each drives the platform through, and how the platform follows them (<see cref="ServicePlatform.Follow"/>).
/// </summary>
public static class PlatformOperations
{
    public const string CreatePostgres = "postgres-platform.create";
    public const string UpgradePostgres = "postgres-platform.upgrade";
    public const string DeletePostgres = "postgres-platform.delete";

    /// <summary>The step names, shown in the action history; a queued operation holds them, so keep them stable.</summary>
    public static class Steps
    {
        public const string ProvisionBackingCluster = "Provision the backing cluster";
        public const string WaitForBackingCluster = "Wait for the backing cluster";
        public const string Connect = "Connect to the cluster";
        public const string InstallOperator = "Install the CloudNativePG operator";
        public const string WaitForOperator = "Wait for the operator to become available";
        public const string Activate = "Activate the platform";
        public const string UpgradeOperator = "Upgrade the CloudNativePG operator";
        public const string RecordVersion = "Record the new version";
        public const string RemoveOperator = "Remove the CloudNativePG operator";
        public const string DeleteBackingCluster = "Delete the backing cluster";
        public const string RemovePlatform = "Remove the platform";
    }

    /// <summary>Every kind with its steps in run order.</summary>
    public static IReadOnlyList<OperationKind> Kinds { get; } =
    [
        new(CreatePostgres, Steps.ProvisionBackingCluster, Steps.WaitForBackingCluster, Steps.Connect, Steps.InstallOperator, Steps.WaitForOperator, Steps.Activate),
        new(UpgradePostgres, Steps.Connect, Steps.UpgradeOperator, Steps.WaitForOperator, Steps.RecordVersion),
        new(DeletePostgres, Steps.RemoveOperator, Steps.DeleteBackingCluster, Steps.RemovePlatform),
    ];

    public static OperationKind Of(string kind) =>
        Kinds.FirstOrDefault(k => k.Name == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a platform operation.");

    public static bool IsPlatformKind(string kind) => Kinds.Any(k => k.Name == kind);

    /// <summary>The state the platform is in while an operation of <paramref name="kind"/> runs (also after a retry).</summary>
    public static PlatformState Progress(string kind) => kind switch
    {
        CreatePostgres => PlatformState.Provisioning,
        UpgradePostgres => PlatformState.Upgrading,
        DeletePostgres => PlatformState.Deleting,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a platform operation."),
    };

    /// <summary>
    /// Brings the platform <paramref name="operation"/> acts on in step with the operation's new state, in
    /// <paramref name="db"/>, for the caller to save together with the operation (the engine's last transaction, or a
    /// person's cancel or retry). Nothing to do when the platform is gone: a delete that succeeded removed it.
    /// </summary>
    public static async Task FollowAsync(PortalDbContext db, Operation operation, CancellationToken ct)
    {
        if (operation.TargetType != ServiceConfigService.PlatformTargetType || !Guid.TryParse(operation.TargetId, out var platformId)) return;
        var platform = await db.ServicePlatforms.SingleOrDefaultAsync(p => p.Id == platformId, ct);
        platform?.Follow(operation);
    }
}

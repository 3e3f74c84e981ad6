using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>A trouble the demo cloud can give a managed PostgreSQL database (a CloudNativePG <c>Cluster</c>).</summary>
public enum DemoDatabaseFault
{
    /// <summary>
    /// The instances' volumes are full: PostgreSQL cannot write WAL, every instance stops being ready. Growing
    /// <c>spec.storage.size</c> cures it, as CloudNativePG's documentation prescribes (or heal it).
    /// </summary>
    DiskFull,
    /// <summary>The object store refuses the cluster's writes: WAL archiving fails and every new Backup fails.</summary>
    BackupsFailing,
    /// <summary>The primary never comes up: the cluster stays in "Setting up primary" (only while it is being created).</summary>
    StuckBootstrap,
}

/// <summary>
/// Faults for databases on the demo Kubernetes API, worded the way CloudNativePG, PostgreSQL and barman-cloud report
/// them, so that a person can see how the portal shows each one without a cloud. A fault targets one Cluster by
/// namespace and name, or — with no name — the next Cluster created from now on, whatever its name. Faults last until
/// <see cref="HealDatabaseFault"/> or <see cref="DemoKubernetesApi.ClearFailures"/>; unlike
/// <see cref="DemoKubernetesApi.FailNext(string, string?, string, string)"/> a new spec does not heal them, because a
/// full disk or a refusing object store does not care about the spec. Like every injected failure they are not saved.
/// </summary>
public static class DemoDatabaseFaults
{
    /// <summary>CloudNativePG's phase when an instance has no room for the next WAL segment (cluster_controller.go).</summary>
    public const string PhaseNotEnoughDiskSpace = "Not enough disk space";

    /// <summary>The phaseReason CloudNativePG writes with <see cref="PhaseNotEnoughDiskSpace"/> (its own text, missing space included).</summary>
    public const string NotEnoughDiskSpaceReason =
        "Insufficient disk space detected in one or more pods is preventing PostgreSQL from running." +
        "Please verify your storage settings. Further information inside .status.instancesReportedState";

    /// <summary>Makes a database show <paramref name="fault"/>: the named Cluster, or the next one created when no name is given.</summary>
    public static void InjectDatabaseFault(this DemoKubernetesApi api, DemoDatabaseFault fault, string? ns = null, string? clusterName = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (!Enum.IsDefined(fault))
            throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown database fault.");
        api.AddDatabaseFault(fault, ns, clusterName);
    }

    /// <summary>
    /// Lets databases recover from <paramref name="fault"/>: the named Cluster's (any namespace when
    /// <paramref name="ns"/> is null), or every Cluster's when no name is given (queued "next new one" faults included).
    /// </summary>
    public static void HealDatabaseFault(this DemoKubernetesApi api, DemoDatabaseFault fault, string? ns = null, string? clusterName = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.RemoveDatabaseFaults(fault, ns, clusterName);
    }

    /// <summary>The message each fault shows, in the words of the component that reports it.</summary>
    public static string Describe(DemoDatabaseFault fault, string? instanceName = null) => fault switch
    {
        DemoDatabaseFault.DiskFull =>
            $"{instanceName ?? "an instance"}: PANIC:  could not write to file \"pg_wal/xlogtemp.27\": No space left on device",
        DemoDatabaseFault.BackupsFailing =>
            "ERROR: Barman cloud WAL archive check exception: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
        DemoDatabaseFault.StuckBootstrap => $"Creating primary instance {instanceName ?? "the first instance"}",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown database fault."),
    };

    /// <summary>The error a failing barman-cloud base backup leaves on the Backup (status.error).</summary>
    public static string BackupError =>
        "ERROR: Barman cloud backup exception: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied";
}

/// <summary>The database faults' bookkeeping: which Clusters (by uid) show which fault.</summary>
public sealed partial class DemoKubernetesApi
{
    private readonly Lock _databaseFaultsLock = new();
    private readonly List<DatabaseFaultEntry> _databaseFaults = [];

    /// <param name="Existing">For "the next new one": uids of the Clusters that existed when it was injected.</param>
    /// <param name="Uid">The Cluster a "next new one" fault settled on, once one was seen.</param>
    private sealed record DatabaseFaultEntry(DemoDatabaseFault Fault, string? Namespace, string? Name, IReadOnlySet<string>? Existing)
    {
        public string? Uid { get; set; }
    }

    internal void AddDatabaseFault(DemoDatabaseFault fault, string? ns, string? name)
    {
        IReadOnlySet<string>? existing = name is null
            ? Clusters.SelectMany(c => c.FindKind(DemoPostgresClusterController.ApiVersion, "Cluster") is null ? [] : c.List(DemoPostgresClusterController.ApiVersion, "Cluster"))
                .Select(o => DemoKubeJson.Text(o["metadata"]?["uid"]) ?? "")
                .ToHashSet(StringComparer.Ordinal)
            : null;
        lock (_databaseFaultsLock)
            _databaseFaults.Add(new DatabaseFaultEntry(fault, ns, name, existing));
    }

    internal void RemoveDatabaseFaults(DemoDatabaseFault fault, string? ns, string? name)
    {
        lock (_databaseFaultsLock)
            _databaseFaults.RemoveAll(f => f.Fault == fault && (name is null || (f.Name == name && (ns is null || f.Namespace is null || f.Namespace == ns))));
    }

    /// <summary>Drops the entries of <paramref name="fault"/> that hold this Cluster (by name or by the uid they settled on).</summary>
    internal void ForgetDatabaseFault(JsonObject cluster, DemoDatabaseFault fault)
    {
        var uid = DemoKubeJson.Text(cluster["metadata"]?["uid"]);
        var name = DemoStatus.Name(cluster);
        var ns = DemoStatus.Namespace(cluster) ?? "default";
        lock (_databaseFaultsLock)
        {
            _databaseFaults.RemoveAll(f => f.Fault == fault
                && ((f.Name == name && (f.Namespace is null || f.Namespace == ns)) || (f.Name is null && f.Uid is not null && f.Uid == uid)));
        }
    }

    private void ClearDatabaseFaults()
    {
        lock (_databaseFaultsLock)
            _databaseFaults.Clear();
    }

    /// <summary>Whether a CloudNativePG Cluster shows <paramref name="fault"/> now (settling a "next new one" fault on it when it is new).</summary>
    internal bool HasDatabaseFault(JsonObject cluster, DemoDatabaseFault fault)
    {
        var uid = DemoKubeJson.Text(cluster["metadata"]?["uid"]);
        var name = DemoStatus.Name(cluster);
        var ns = DemoStatus.Namespace(cluster) ?? "default";
        if (uid is null)
            return false;
        lock (_databaseFaultsLock)
        {
            foreach (var entry in _databaseFaults.Where(f => f.Fault == fault))
            {
                if (entry.Name is not null)
                {
                    if (entry.Name == name && (entry.Namespace is null || entry.Namespace == ns))
                        return true;
                }
                else if (entry.Uid == uid)
                {
                    return true;
                }
                else if (entry.Uid is null && entry.Existing?.Contains(uid) != true)
                {
                    entry.Uid = uid;
                    return true;
                }
            }
        }
        return false;
    }
}

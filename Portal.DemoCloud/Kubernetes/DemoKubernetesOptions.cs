namespace Portal.DemoCloud.Kubernetes;

/// <summary>Knobs of the in-process demo Kubernetes API: controller tick, simulated delays, namespaces, latency, extra kinds.</summary>
public sealed record DemoKubernetesOptions
{
    /// <summary>How often the hosted controller loop runs the simulated controllers. Default 200 ms.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the simulated controllers take for each step.</summary>
    public DemoControllerDelays Delays { get; init; } = new();

    /// <summary>Writing into a namespace that does not exist creates it (true), or answers 404 like a real API server (false).</summary>
    public bool AutoCreateNamespaces { get; init; } = true;

    /// <summary>Delay added to every answer, to make the demo feel like a network service. Zero by default.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>The version <c>/version</c> reports.</summary>
    public string KubernetesVersion { get; init; } = "v1.32.3";

    /// <summary>
    /// The folder where the demo Kubernetes API keeps its clusters (<c>demo-kubernetes.json</c>), so that a restart of
    /// the portal finds them as they were. Null (the default, and what tests use) keeps everything in memory only.
    /// </summary>
    public string? StateFolder { get; init; }

    /// <summary>Resource types served in addition to <see cref="DemoResourceKind.BuiltIn"/>.</summary>
    public IReadOnlyList<DemoResourceKind> AdditionalKinds { get; init; } = [];
}

/// <summary>
/// How long each simulated step takes, measured on the API's <see cref="TimeProvider"/>. Defaults feel like a fast real
/// cluster in a demo; tests use <see cref="Instant"/> or short values and a manual clock.
/// </summary>
public sealed record DemoControllerDelays
{
    /// <summary>CloudNativePG: from a new Cluster to its primary being ready.</summary>
    public TimeSpan PostgresPrimary { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>CloudNativePG: each further replica.</summary>
    public TimeSpan PostgresReplica { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>CloudNativePG: the full-recovery job of a Cluster bootstrapped from another's backups (instead of <see cref="PostgresPrimary"/>).</summary>
    public TimeSpan PostgresRecovery { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>CloudNativePG: restarting one instance in a rolling update (new image or resources) or a requested restart.</summary>
    public TimeSpan PostgresInstanceRestart { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>CloudNativePG: an in-place major version upgrade (the pg_upgrade job on the primary).</summary>
    public TimeSpan PostgresMajorUpgrade { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>CloudNativePG: a switchover to the target primary (promote).</summary>
    public TimeSpan PostgresSwitchover { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>CloudNativePG: the volumes growing after <c>spec.storage.size</c> grows.</summary>
    public TimeSpan PostgresStorageResize { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>CloudNativePG: deleting the instances' pods when a Cluster hibernates.</summary>
    public TimeSpan PostgresHibernation { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>CloudNativePG: one barman-cloud base backup, from started to completed (or failed).</summary>
    public TimeSpan PostgresBackup { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>apps/v1 Deployment: a rollout (creation or spec change) until its replicas are available.</summary>
    public TimeSpan DeploymentRollout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Cluster API (CAPO): the OpenStackCluster's network, security groups and API load balancer.</summary>
    public TimeSpan InfrastructureProvisioning { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Cluster API: each control plane machine (KubeadmControlPlane replica), also each one replaced in an upgrade.</summary>
    public TimeSpan ControlPlaneMachine { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Kamaji: a hosted control plane's pods (a Deployment on the management cluster) becoming ready, also each rollout.</summary>
    public TimeSpan HostedControlPlane { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Cluster API: each worker machine (MachineDeployment replica), up or down, also each one replaced in an upgrade.</summary>
    public TimeSpan WorkerMachine { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Cluster API: tearing down a Cluster (machines, infrastructure) before its finalizer is removed.</summary>
    public TimeSpan ClusterDeletion { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Namespace termination after its contents are gone.</summary>
    public TimeSpan NamespaceTermination { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Every step completes on the next tick. Scheduled backups still follow their cron schedule on the clock: a
    /// schedule is a time of day, not a delay.
    /// </summary>
    public static DemoControllerDelays Instant { get; } = new()
    {
        PostgresPrimary = TimeSpan.Zero,
        PostgresReplica = TimeSpan.Zero,
        PostgresRecovery = TimeSpan.Zero,
        PostgresInstanceRestart = TimeSpan.Zero,
        PostgresMajorUpgrade = TimeSpan.Zero,
        PostgresSwitchover = TimeSpan.Zero,
        PostgresStorageResize = TimeSpan.Zero,
        PostgresHibernation = TimeSpan.Zero,
        PostgresBackup = TimeSpan.Zero,
        DeploymentRollout = TimeSpan.Zero,
        InfrastructureProvisioning = TimeSpan.Zero,
        ControlPlaneMachine = TimeSpan.Zero,
        HostedControlPlane = TimeSpan.Zero,
        WorkerMachine = TimeSpan.Zero,
        ClusterDeletion = TimeSpan.Zero,
        NamespaceTermination = TimeSpan.Zero,
    };
}

using System.Text.Json;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.ServiceConfigs;

/// <summary>
/// Adding a PostgreSQL platform: the preconditions (MKS first, Managed needs it enabled, one per kind, a valid
/// kubeconfig), and the create operation in each mode run by the real engine against the demo Kubernetes API.
/// </summary>
[Collection(PlatformOperationsCollection.Name)]
public sealed class PostgresPlatformTests : IAsyncLifetime
{
    private const string OperatorVersion = "1.25.2";

    private ServiceConfigTestHost _host = null!;
    private Guid _infrastructureId;
    private Guid _configId;
    private Guid _mksId;

    public async Task InitializeAsync()
    {
        _host = await ServiceConfigTestHost.CreateAsync();
        (_infrastructureId, _configId, _mksId) = await _host.SeedWithMksAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<Result<Guid>> CreateAsync(PostgresMode mode, string? kubeconfig = null, string? version = OperatorVersion, Guid? configId = null) =>
        _host.Platforms.CreatePostgresAsync(_host.Admin, configId ?? _configId, mode, version, kubeconfig);

    private async Task DisableMksAsync()
    {
        var mks = await _host.PlatformAsync(_mksId);
        (await _host.Configs.SetEnabledAsync(_host.Admin, _mksId, mks.Version, false)).ShouldSucceed();
    }

    private async Task AssertNothingSavedAsync()
    {
        Assert.Equal(0, await _host.CountAsync<Operation>());
        Assert.Equal([PlatformKind.Mks], (await _host.ConfigAsync(_infrastructureId, _configId)).Platforms.Select(p => p.Kind));
    }

    // ---- preconditions ----

    [Theory]
    [InlineData(PostgresMode.Managed)]
    [InlineData(PostgresMode.ManagedTools)]
    [InlineData(PostgresMode.External)]
    public async Task CreatePostgresAsync_WithoutMksPlatform_IsConflictAndSavesNothing(PostgresMode mode)
    {
        var bare = await _host.CreateConfigAsync(_infrastructureId, "Bare");

        var refusal = (await CreateAsync(mode, DemoKubernetesApi.Kubeconfig, configId: bare)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("MKS network platform", refusal.Message);
        Assert.Empty((await _host.ConfigAsync(_infrastructureId, bare)).Platforms);
        Assert.Equal(0, await _host.CountAsync<Operation>());
    }

    [Fact]
    public async Task CreatePostgresAsync_ManagedWhileMksDisabled_IsConflictSayingSoAndSavesNothing()
    {
        await DisableMksAsync();

        var refusal = (await CreateAsync(PostgresMode.Managed)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("disabled", refusal.Message);
        Assert.Contains("MKS network platform", refusal.Message);
        await AssertNothingSavedAsync();
    }

    [Fact]
    public async Task CreatePostgresAsync_ManagedToolsWhileMksDisabled_IsAllowedAndBecomesActive()
    {
        await DisableMksAsync();

        var id = (await CreateAsync(PostgresMode.ManagedTools, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();

        var operation = await _host.WaitForOperationAsync((await _host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(PlatformState.Active, (await _host.PlatformAsync(id)).State);
    }

    [Theory]
    [InlineData("this is: [not yaml", null)]
    [InlineData("apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n", "clusters")]
    [InlineData("""
        apiVersion: v1
        kind: Config
        clusters:
        - name: real
          cluster:
            server: https://10.0.0.1:6443
        users:
        - name: admin
          user:
            token: abc
        contexts:
        - name: main
          context:
            cluster: missing
            user: admin
        current-context: main
        """, "\"missing\"")]
    public async Task CreatePostgresAsync_InvalidKubeconfig_IsInvalidOnKubeconfigAndSavesNothing(string kubeconfig, string? mentions)
    {
        var refusal = (await CreateAsync(PostgresMode.ManagedTools, kubeconfig)).ShouldBeRefused(RefusalKind.Invalid, Fields.Kubeconfig);

        if (mentions is not null)
            Assert.Contains(mentions, refusal.Message);
        Assert.DoesNotContain("Paste or upload", refusal.Message); // says what is wrong, not just "give one"
        await AssertNothingSavedAsync();
    }

    [Theory]
    [InlineData(PostgresMode.ManagedTools)]
    [InlineData(PostgresMode.External)]
    public async Task CreatePostgresAsync_NoKubeconfig_IsInvalidOnKubeconfig(PostgresMode mode)
    {
        (await CreateAsync(mode, "  ")).ShouldBeRefused(RefusalKind.Invalid, Fields.Kubeconfig);
        await AssertNothingSavedAsync();
    }

    [Fact]
    public async Task CreatePostgresAsync_UnsupportedOperatorVersion_IsInvalidOnOperatorVersion()
    {
        (await CreateAsync(PostgresMode.ManagedTools, DemoKubernetesApi.Kubeconfig, "0.9.0")).ShouldBeRefused(RefusalKind.Invalid, Fields.OperatorVersion);
        await AssertNothingSavedAsync();
    }

    [Fact]
    public async Task CreatePostgresAsync_SecondPostgresPlatform_IsConflictAndKeepsTheFirst()
    {
        var first = (await CreateAsync(PostgresMode.External, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();

        var refusal = (await CreateAsync(PostgresMode.ManagedTools, DemoKubernetesApi.Kubeconfig)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("one per kind", refusal.Message);
        Assert.Equal(first, await _host.PlatformIdAsync(_configId, PlatformKind.PostgreSql));
        Assert.Single(await _host.OperationsOfAsync(first));
        Assert.Equal(1, await _host.CountAsync<Operation>());
    }

    // ---- the create operation ----

    [Fact]
    public async Task CreatePostgresAsync_ManagedTools_ProvisionsThenActivatesWithTheOperatorDeployed()
    {
        // A rollout that takes a moment, so that the platform can be seen while its operation runs.
        await using var host = await ServiceConfigTestHost.CreateAsync(DemoControllerDelays.Instant with { DeploymentRollout = TimeSpan.FromMilliseconds(400) });
        var (_, configId, _) = await host.SeedWithMksAsync();

        var id = (await host.Platforms.CreatePostgresAsync(host.Admin, configId, PostgresMode.ManagedTools, OperatorVersion, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();
        var operationId = (await host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id;

        await host.WaitForOperationAsync(operationId, o => o.Steps[4].State == StepState.Running);
        var provisioning = await host.PlatformAsync(id);
        Assert.Equal(PlatformState.Provisioning, provisioning.State);
        Assert.Null(provisioning.OperatorVersion);
        Assert.Equal(OperatorVersion, provisioning.TargetOperatorVersion);

        var operation = await host.WaitForOperationAsync(operationId);
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal([StepState.Skipped, StepState.Skipped, StepState.Succeeded, StepState.Succeeded, StepState.Succeeded, StepState.Succeeded],
            operation.Steps.Select(s => s.State));
        var active = await host.PlatformAsync(id);
        Assert.Equal(PlatformState.Active, active.State);
        Assert.Equal(OperatorVersion, active.OperatorVersion);
        Assert.Null(active.TargetOperatorVersion);
        Assert.Equal(PostgresMode.ManagedTools, active.PostgresMode);
        Assert.True(active.HasKubeconfig);
        Assert.Equal(DemoKubernetesApi.ServerUrl.ToString(), active.ClusterServer);

        var deployment = ServiceConfigTestHost.OperatorDeployment(host.Kube.Default);
        Assert.NotNull(deployment);
        Assert.EndsWith(":" + OperatorVersion, ServiceConfigTestHost.Image(deployment));
        Assert.Equal(id.ToString("N"), deployment["metadata"]?["labels"]?[PlatformManifests.PlatformLabel]?.GetValue<string>());
        Assert.NotNull(host.Kube.Default.Get("v1", "Namespace", null, PlatformManifests.OperatorNamespace));
    }

    [Fact]
    public async Task CreatePostgresAsync_External_ConnectsButInstallsNothingAndBecomesActive()
    {
        var id = (await CreateAsync(PostgresMode.External, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();

        var operation = await _host.WaitForOperationAsync((await _host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);

        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal([StepState.Skipped, StepState.Skipped, StepState.Succeeded, StepState.Skipped, StepState.Skipped, StepState.Succeeded],
            operation.Steps.Select(s => s.State));
        Assert.Equal(PlatformState.Active, (await _host.PlatformAsync(id)).State);
        Assert.Null(ServiceConfigTestHost.OperatorDeployment(_host.Kube.Default));
        Assert.Null(_host.Kube.Default.Get("v1", "Namespace", null, PlatformManifests.OperatorNamespace));
        Assert.Empty(_host.Kube.Default.List("cluster.x-k8s.io/v1beta1", "Cluster"));
    }

    [Fact]
    public async Task CreatePostgresAsync_ManagedOnDemoInfrastructure_ProvisionsBackingClusterAndInstallsOperatorThere()
    {
        var id = (await CreateAsync(PostgresMode.Managed)).ShouldSucceed();

        var operation = await _host.WaitForOperationAsync((await _host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);

        Assert.True(operation.State == OperationState.Succeeded, $"{operation.State}: {operation.Error}");
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
        var platform = await _host.PlatformAsync(id);
        Assert.Equal(PlatformState.Active, platform.State);
        Assert.False(platform.HasKubeconfig);

        // The backing cluster lives in the demo management cluster, on the MKS platform's external network.
        var name = PlatformManifests.BackingClusterName(id);
        var cluster = _host.Kube.Get("cluster.x-k8s.io/v1beta1", "Cluster", PlatformManifests.PlatformsNamespace, name);
        Assert.NotNull(cluster);
        var openStackCluster = _host.Kube.Get("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackCluster", PlatformManifests.PlatformsNamespace, name);
        Assert.Equal((await _host.PlatformAsync(_mksId)).ExternalNetworkId, openStackCluster?["spec"]?["externalNetwork"]?["id"]?.GetValue<string>());

        // The operator runs in the backing (workload) cluster, not in the management cluster.
        Assert.Null(ServiceConfigTestHost.OperatorDeployment(_host.Kube.Default));
        var workload = Assert.Single(_host.Kube.Clusters, c => c != _host.Kube.Default);
        Assert.StartsWith(name + ".", workload.Host);
        Assert.EndsWith(":" + OperatorVersion, ServiceConfigTestHost.Image(ServiceConfigTestHost.OperatorDeployment(workload)!));
    }

    [Fact]
    public async Task CreatePostgresAsync_ManagedTools_StoresKubeconfigEncryptedAndNeverInAuditOrHistory()
    {
        var id = (await CreateAsync(PostgresMode.ManagedTools, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();
        await _host.WaitForOperationAsync((await _host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);

        var raw = await _host.RawKubeconfigColumnAsync(id);
        Assert.False(string.IsNullOrEmpty(raw));
        Assert.DoesNotContain(DemoKubernetesApi.Token, raw);
        Assert.DoesNotContain("current-context", raw);
        Assert.DoesNotContain(DemoKubernetesApi.Token, await _host.WholeDatabaseTextAsync());
        Assert.Equal(DemoKubernetesApi.Kubeconfig, await _host.Configs.GetKubeconfigAsync(id));

        var audit = Assert.Single(await _host.AuditEntriesAsync(), a => a.Action == "postgres-platform.create");
        Assert.Equal(AuditOutcome.Succeeded, audit.Outcome);
        Assert.Equal(id.ToString(), audit.TargetId);
        using var parameters = JsonDocument.Parse(audit.Parameters);
        var kubeconfig = parameters.RootElement.EnumerateObject().Single(p => p.Name.Equals("kubeconfig", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.Equal("(redacted)", kubeconfig.GetString());
        Assert.DoesNotContain("apiVersion", audit.Parameters);
    }

    [Fact]
    public async Task CreatePostgresAsync_Refused_IsAuditedWithoutTheKubeconfig()
    {
        (await CreateAsync(PostgresMode.ManagedTools, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();

        (await CreateAsync(PostgresMode.ManagedTools, DemoKubernetesApi.Kubeconfig)).ShouldBeRefused(RefusalKind.Conflict);

        var refused = Assert.Single(await _host.AuditEntriesAsync(), a => a.Action == "postgres-platform.create" && a.Outcome == AuditOutcome.Refused);
        Assert.DoesNotContain(DemoKubernetesApi.Token, refused.Parameters);
    }

    [Fact]
    public async Task CreatePostgresAsync_KubeconfigThatDoesNotParse_IsAuditedAsRefusedWithoutTheKubeconfig()
    {
        var broken = DemoKubernetesApi.Kubeconfig.Replace("current-context:", "current-context: nowhere\n# was:");

        var refusal = (await CreateAsync(PostgresMode.ManagedTools, broken)).ShouldBeRefused(RefusalKind.Invalid, Fields.Kubeconfig);

        var refused = Assert.Single(await _host.AuditEntriesAsync(), a => a.Action == "postgres-platform.create" && a.Outcome == AuditOutcome.Refused);
        Assert.Equal(refusal.Message, refused.Reason);
        Assert.DoesNotContain(DemoKubernetesApi.Token, refused.Parameters);
    }
}

using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.ServiceConfigs;

/// <summary>Upgrading a PostgreSQL platform's operator: only forward to a supported version, never External; it rolls the Deployment.</summary>
[Collection(PlatformOperationsCollection.Name)]
public sealed class PostgresPlatformUpgradeTests : IAsyncLifetime
{
    private const string Installed = "1.25.2";

    private ServiceConfigTestHost _host = null!;
    private Guid _configId;

    public async Task InitializeAsync()
    {
        _host = await ServiceConfigTestHost.CreateAsync();
        (_, _configId, _) = await _host.SeedWithMksAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<PlatformDetail> CreateActiveAsync(PostgresMode mode)
    {
        var id = (await _host.Platforms.CreatePostgresAsync(_host.Admin, _configId, mode, Installed, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();
        var operation = await _host.WaitForOperationAsync((await _host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);
        Assert.Equal(OperationState.Succeeded, operation.State);
        return await _host.PlatformAsync(id);
    }

    [Theory]
    [InlineData("1.24.4")] // older
    [InlineData(Installed)] // the same
    [InlineData("1.99.0")] // not supported
    [InlineData("")]
    public async Task UpgradeAsync_NotANewerSupportedVersion_IsInvalidOnVersionAndStartsNothing(string version)
    {
        var platform = await CreateActiveAsync(PostgresMode.ManagedTools);

        (await _host.Configs.UpgradeAsync(_host.Admin, platform.Id, platform.Version, version)).ShouldBeRefused(RefusalKind.Invalid, Fields.Version);

        var after = await _host.PlatformAsync(platform.Id);
        Assert.Equal(PlatformState.Active, after.State);
        Assert.Equal(Installed, after.OperatorVersion);
        Assert.Null(after.TargetOperatorVersion);
        Assert.DoesNotContain(await _host.OperationsOfAsync(platform.Id), o => o.Kind == PlatformOperations.UpgradePostgres);
    }

    [Fact]
    public async Task UpgradeAsync_ExternalPlatform_IsInvalidOnVersion()
    {
        var platform = await CreateActiveAsync(PostgresMode.External);

        var refusal = (await _host.Configs.UpgradeAsync(_host.Admin, platform.Id, platform.Version, "1.26.1")).ShouldBeRefused(RefusalKind.Invalid, Fields.Version);

        Assert.Contains("External", refusal.Message);
        Assert.Equal(PlatformState.Active, (await _host.PlatformAsync(platform.Id)).State);
        Assert.DoesNotContain(await _host.OperationsOfAsync(platform.Id), o => o.Kind == PlatformOperations.UpgradePostgres);
    }

    [Fact]
    public async Task UpgradeAsync_MksPlatform_IsInvalidOnVersion()
    {
        var mksId = await _host.PlatformIdAsync(_configId, PlatformKind.Mks);
        var mks = await _host.PlatformAsync(mksId);

        (await _host.Configs.UpgradeAsync(_host.Admin, mksId, mks.Version, "1.26.1")).ShouldBeRefused(RefusalKind.Invalid, Fields.Version);
    }

    [Fact]
    public async Task UpgradeAsync_StaleVersion_IsConcurrency()
    {
        var platform = await CreateActiveAsync(PostgresMode.ManagedTools);
        (await _host.Configs.SetEnabledAsync(_host.Admin, platform.Id, platform.Version, false)).ShouldSucceed();

        (await _host.Configs.UpgradeAsync(_host.Admin, platform.Id, platform.Version, "1.26.1")).ShouldBeRefused(RefusalKind.Concurrency);
    }

    [Fact]
    public async Task UpgradeAsync_ByViewer_IsForbidden()
    {
        var platform = await CreateActiveAsync(PostgresMode.ManagedTools);

        (await _host.Configs.UpgradeAsync(_host.Viewer, platform.Id, platform.Version, "1.26.1")).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task UpgradeAsync_NewerVersion_RollsTheOperatorDeploymentAndRecordsTheVersion()
    {
        var platform = await CreateActiveAsync(PostgresMode.ManagedTools);
        Assert.EndsWith(":" + Installed, ServiceConfigTestHost.Image(ServiceConfigTestHost.OperatorDeployment(_host.Kube.Default)!));

        (await _host.Configs.UpgradeAsync(_host.Admin, platform.Id, platform.Version, "1.26.1")).ShouldSucceed();
        var operation = await _host.WaitForOperationAsync((await _host.LatestOperationAsync(platform.Id, PlatformOperations.UpgradePostgres)).Id);

        Assert.True(operation.State == OperationState.Succeeded, $"{operation.State}: {operation.Error}");
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.EndsWith(":1.26.1", ServiceConfigTestHost.Image(ServiceConfigTestHost.OperatorDeployment(_host.Kube.Default)!));
        var after = await _host.PlatformAsync(platform.Id);
        Assert.Equal(PlatformState.Active, after.State);
        Assert.Equal("1.26.1", after.OperatorVersion);
        Assert.Null(after.TargetOperatorVersion);
    }

    [Fact]
    public async Task UpgradeAsync_WhileAnUpgradeRuns_IsConflict()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync(DemoControllerDelays.Instant with { DeploymentRollout = TimeSpan.FromMinutes(5) });
        var (_, configId, _) = await host.SeedWithMksAsync();
        // An External platform is Active at once; put a Managed tools one through a slow rollout instead.
        var id = (await host.Platforms.CreatePostgresAsync(host.Admin, configId, PostgresMode.ManagedTools, "1.24.4", DemoKubernetesApi.Kubeconfig)).ShouldSucceed();
        var create = (await host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id;
        await host.WaitForOperationAsync(create, o => o.Steps[4].State == StepState.Running);
        var provisioning = await host.PlatformAsync(id);

        var refusal = (await host.Configs.UpgradeAsync(host.Admin, id, provisioning.Version, "1.26.1")).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("provisioning", refusal.Message);
        (await host.Operations.CancelAsync(host.Admin, create)).ShouldSucceed();
        await host.WaitForOperationAsync(create);
    }

    [Fact]
    public async Task UpgradeAsync_SlowRollout_RecordsTheNewVersionOnlyOnceTheRolloutFinished()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync(DemoControllerDelays.Instant with { DeploymentRollout = TimeSpan.FromSeconds(1) });
        var (_, configId, _) = await host.SeedWithMksAsync();
        var id = (await host.Platforms.CreatePostgresAsync(host.Admin, configId, PostgresMode.ManagedTools, Installed, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();
        await host.WaitForOperationAsync((await host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);
        var platform = await host.PlatformAsync(id);

        (await host.Configs.UpgradeAsync(host.Admin, id, platform.Version, "1.26.1")).ShouldSucceed();
        var operation = await host.WaitForOperationAsync((await host.LatestOperationAsync(id, PlatformOperations.UpgradePostgres)).Id);
        var deployment = ServiceConfigTestHost.OperatorDeployment(host.Kube.Default)!;

        Assert.Equal(OperationState.Succeeded, operation.State);
        // When the upgrade says the new operator is available, the Deployment's rollout of the new spec must be done:
        // the controller saw the new generation and every replica runs the new template (kubectl rollout status).
        var status = deployment["status"]!;
        Assert.Equal(deployment["metadata"]?["generation"]?.ToJsonString(), status["observedGeneration"]?.ToJsonString());
        Assert.Equal("1", status["updatedReplicas"]?.ToJsonString());
    }

    [Fact]
    public async Task CancelAsync_UpgradeAfterTheNewOperatorWasApplied_NeverReportsAVersionTheClusterDoesNotRun()
    {
        // Every answer of the demo API takes a while, so the wait step (after the new Deployment was applied) is still
        // running when the person cancels.
        await using var host = await ServiceConfigTestHost.CreateAsync(latency: TimeSpan.FromMilliseconds(250));
        var (_, configId, _) = await host.SeedWithMksAsync();
        var id = (await host.Platforms.CreatePostgresAsync(host.Admin, configId, PostgresMode.ManagedTools, Installed, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();
        await host.WaitForOperationAsync((await host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);
        var platform = await host.PlatformAsync(id);
        Assert.Equal(PlatformState.Active, platform.State);

        (await host.Configs.UpgradeAsync(host.Admin, id, platform.Version, "1.26.1")).ShouldSucceed();
        var upgrade = (await host.LatestOperationAsync(id, PlatformOperations.UpgradePostgres)).Id;
        await host.WaitForOperationAsync(upgrade, o => o.Steps[2].State == StepState.Running);
        (await host.Operations.CancelAsync(host.Admin, upgrade)).ShouldSucceed();
        Assert.Equal(OperationState.Cancelled, (await host.WaitForOperationAsync(upgrade)).State);
        var after = await host.WaitForPlatformAsync(id, p => p?.State != PlatformState.Upgrading, TimeSpan.FromSeconds(3));

        var running = ServiceConfigTestHost.Image(ServiceConfigTestHost.OperatorDeployment(host.Kube.Default)!)!;
        Assert.EndsWith(":1.26.1", running); // what the cancelled upgrade left in the cluster
        Assert.False(after!.State == PlatformState.Active && !running.EndsWith(":" + after.OperatorVersion, StringComparison.Ordinal),
            $"The platform is Active on operator {after.OperatorVersion}, but the cluster runs {running}.");
    }
}

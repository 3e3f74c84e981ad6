using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.ServiceConfigs;

/// <summary>
/// Two admins at the same moment. The save hook runs the competing request after the first has loaded and checked
/// its data, just before it saves: the database-level guards must still hold.
/// </summary>
[Collection(PlatformOperationsCollection.Name)]
public sealed class PlatformConcurrencyTests : IAsyncLifetime
{
    private ServiceConfigTestHost _host = null!;
    private Guid _infrastructureId;
    private Guid _configId;
    private Guid _mksId;
    private Actor _otherAdmin = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceConfigTestHost.CreateAsync();
        (_infrastructureId, _configId, _mksId) = await _host.SeedWithMksAsync();
        _otherAdmin = await _host.AddUserAsync("other-admin@portal.test", Portal.Domain.Tenancy.PlatformRole.Admin);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SetEnabledAsync_TwoTogglesWithSameVersionInParallel_OneWinsOtherIsConcurrency()
    {
        // Both admins see the platform enabled (same version) and both click Disable.
        var version = (await _host.PlatformAsync(_mksId)).Version;

        var results = await Task.WhenAll(
            Task.Run(() => _host.Configs.SetEnabledAsync(_host.Admin, _mksId, version, false)),
            Task.Run(() => _host.Configs.SetEnabledAsync(_otherAdmin, _mksId, version, false)));

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(RefusalKind.Concurrency, Assert.Single(results, r => !r.Succeeded).Refusal!.Kind);
        var platform = await _host.PlatformAsync(_mksId);
        Assert.False(platform.Enabled);
        Assert.Equal(version + 1, platform.Version);
    }

    // Platform create, delete and enable/disable run serialized (one write transaction taken before their checks):
    // a request arriving while another is between its check and its save waits for it, then checks again.
    // The hook below starts that second request at exactly that moment.

    [Fact]
    public async Task SetEnabledAsync_ConcurrentToggleWithTheSameVersion_WaitsThenIsConcurrency()
    {
        var version = (await _host.PlatformAsync(_mksId)).Version;
        Task<Result>? other = null;
        _host.Hook.BeforeNextSave(() =>
        {
            other = Task.Run(() => _host.Configs.SetEnabledAsync(_otherAdmin, _mksId, version, false));
            return Task.CompletedTask;
        });

        var mine = await _host.Configs.SetEnabledAsync(_host.Admin, _mksId, version, false);

        mine.ShouldSucceed();
        Assert.NotNull(other);
        (await other).ShouldBeRefused(RefusalKind.Concurrency);
        Assert.Equal(version + 1, (await _host.PlatformAsync(_mksId)).Version);
    }

    [Fact]
    public async Task SetEnabledAsync_StaleVersionAskingForTheValueItLoaded_IsConcurrencyNotASilentSuccess()
    {
        // Admin B disables the platform; admin A, still looking at version v where it was enabled, clicks Enable.
        // A must learn that someone changed it, not be told "enabled" while the platform stays disabled.
        var version = (await _host.PlatformAsync(_mksId)).Version;
        (await _host.Configs.SetEnabledAsync(_otherAdmin, _mksId, version, false)).ShouldSucceed();

        var mine = await _host.Configs.SetEnabledAsync(_host.Admin, _mksId, version, true);

        mine.ShouldBeRefused(RefusalKind.Concurrency);
        Assert.False((await _host.PlatformAsync(_mksId)).Enabled);
    }

    [Fact]
    public async Task CreatePostgresAsync_SecondCreateAtTheSameMoment_IsConflictAndNothingHalfSaved()
    {
        Task<Result<Guid>>? other = null;
        _host.Hook.BeforeNextSave(() =>
        {
            other = Task.Run(() => _host.Platforms.CreatePostgresAsync(_otherAdmin, _configId, PostgresMode.External, null, DemoKubernetesApi.Kubeconfig));
            return Task.CompletedTask;
        });

        var mine = await _host.Platforms.CreatePostgresAsync(_host.Admin, _configId, PostgresMode.External, null, DemoKubernetesApi.Kubeconfig);

        var myId = mine.ShouldSucceed();
        Assert.NotNull(other);
        (await other).ShouldBeRefused(RefusalKind.Conflict);
        Assert.Equal(myId, await _host.PlatformIdAsync(_configId, PlatformKind.PostgreSql));
        // Only the winner's create operation exists: the loser's would have been in its own transaction.
        var operations = await _host.OperationsOfAsync(myId);
        Assert.Single(operations);
        Assert.Equal(1, await _host.CountAsync<Operation>());
        await _host.WaitForOperationAsync(operations[0].Id);
    }

    [Fact]
    public async Task CreatePostgresAsync_MksDeletedAtTheSameMoment_NeverLeavesPostgresWithoutMks()
    {
        Task<Result<Guid?>>? deleted = null;
        _host.Hook.BeforeNextSave(() =>
        {
            deleted = Task.Run(() => _host.Configs.DeletePlatformAsync(_otherAdmin, _mksId));
            return Task.CompletedTask;
        });

        var created = await _host.Platforms.CreatePostgresAsync(_host.Admin, _configId, PostgresMode.External, null, DemoKubernetesApi.Kubeconfig);

        Assert.NotNull(deleted);
        var deleteResult = await deleted;
        // Whichever wins, a PostgreSQL platform must never exist without the MKS platform it builds on.
        Assert.True(created.Succeeded ^ deleteResult.Succeeded, $"create: {created.Refusal?.Message ?? "ok"}; delete: {deleteResult.Refusal?.Message ?? "ok"}");
        await using var db = _host.NewContext();
        var kinds = await db.ServicePlatforms.Where(p => p.ServiceConfigId == _configId).Select(p => p.Kind).ToListAsync();
        Assert.True(!kinds.Contains(PlatformKind.PostgreSql) || kinds.Contains(PlatformKind.Mks),
            $"The Service Config holds {string.Join(", ", kinds)}: a PostgreSQL platform without its MKS platform.");
        if (created.Succeeded)
            await _host.WaitForOperationAsync((await _host.OperationsOfAsync(created.Value)).Single().Id);
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Infrastructures;

public sealed class CatalogServiceTests : IAsyncLifetime
{
    private static readonly FlavorSpec Small = new("f-small", "m1.small", 1, 2048, 20);
    private static readonly FlavorSpec Medium = new("f-medium", "m1.medium", 2, 4096, 40);
    private static readonly FlavorSpec Large = new("f-large", "m1.large", 4, 8192, 80);
    private static readonly ImageSpec Ubuntu = new("i-ubuntu", "ubuntu-24.04", 512, 10, null, "ubuntu");
    private static readonly ImageSpec Kube = new("i-kube", "ubuntu-2404-kube-v1.32.3-5", 2048, 20, "1.32.3-5", "ubuntu");

    private InfrastructureTestHost _host = null!;
    private Actor _admin = null!;
    private Guid _infrastructureId;

    public async Task InitializeAsync()
    {
        _host = await InfrastructureTestHost.CreateAsync();
        _admin = await _host.AddUserAsync("admin@portal.test", PlatformRole.Admin);
        _infrastructureId = await _host.RegisterDemoAsync(_admin);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task ImportAsync(IReadOnlyList<FlavorSpec> flavors, IReadOnlyList<ImageSpec>? images = null) =>
        (await _host.Catalog.ImportAsync(_admin, _infrastructureId, flavors, images ?? [])).ShouldSucceed();

    private async Task<FlavorEntry> FlavorAsync(string providerId)
    {
        await using var db = _host.NewContext();
        return await db.Flavors.AsNoTracking().SingleAsync(f => f.ProviderId == providerId);
    }

    private async Task<ImageEntry> ImageAsync(string providerId)
    {
        await using var db = _host.NewContext();
        return await db.Images.AsNoTracking().SingleAsync(i => i.ProviderId == providerId);
    }

    // ---- import ----

    [Fact]
    public async Task ImportAsync_NewEntries_StoresThemEnabledWithTheCloudNames()
    {
        var count = (await _host.Catalog.ImportAsync(_admin, _infrastructureId, [Small, Medium], [Kube])).ShouldSucceed();

        Assert.Equal(3, count);
        var small = await FlavorAsync("f-small");
        Assert.Equal("m1.small", small.Name);
        Assert.Equal("m1.small", small.ProviderName);
        Assert.True(small.Enabled);
        Assert.False(small.MissingFromCloud);
        Assert.Equal(_host.Clock.GetUtcNow(), small.ImportedAt);
        var kube = await ImageAsync("i-kube");
        Assert.Equal("1.32.3-5", kube.KubernetesVersion);
        Assert.Equal("f-medium,f-small", Sorted(await _host.Catalog.ImportedProviderIdsAsync(_infrastructureId, CatalogKind.Flavor)));
        Assert.Equal(["i-kube"], await _host.Catalog.ImportedProviderIdsAsync(_infrastructureId, CatalogKind.Image));
        var audit = (await _host.AuditEntriesAsync()).Last();
        Assert.Equal("catalog.import", audit.Action);
        Assert.Equal(AuditOutcome.Succeeded, audit.Outcome);

        static string Sorted(IEnumerable<string> ids) => string.Join(",", ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ImportAsync_SomeAlreadyImported_RefusesTheWholeImportNamingThem()
    {
        await ImportAsync([Small], [Ubuntu]);

        var refusal = (await _host.Catalog.ImportAsync(_admin, _infrastructureId, [Medium, Small, Large], [Kube, Ubuntu]))
            .ShouldBeRefused(RefusalKind.Conflict, Fields.Selection);

        Assert.Contains("m1.small", refusal.Message);
        Assert.Contains("ubuntu-24.04", refusal.Message);
        Assert.DoesNotContain("m1.medium", refusal.Message);
        Assert.Equal(1, await _host.CountAsync<FlavorEntry>());
        Assert.Equal(1, await _host.CountAsync<ImageEntry>());
        Assert.Equal(AuditOutcome.Refused, (await _host.AuditEntriesAsync()).Last().Outcome);
    }

    [Fact]
    public async Task ImportAsync_AlreadyImportedAfterRename_IsStillRefused()
    {
        await ImportAsync([Small]);
        var entry = await FlavorAsync("f-small");
        (await _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, "Small (general)", null)).ShouldSucceed();

        var refusal = (await _host.Catalog.ImportAsync(_admin, _infrastructureId, [Small with { Name = "m1.small-renamed-in-cloud" }], []))
            .ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("Small (general)", refusal.Message);
        Assert.Equal(1, await _host.CountAsync<FlavorEntry>());
    }

    [Fact]
    public async Task ImportAsync_SameProviderIdInAnotherInfrastructure_IsAllowed()
    {
        await ImportAsync([Small]);
        var other = await _host.RegisterDemoAsync(_admin, "Other");

        (await _host.Catalog.ImportAsync(_admin, other, [Small], [])).ShouldSucceed();

        Assert.Equal(2, await _host.CountAsync<FlavorEntry>());
    }

    [Fact]
    public async Task ImportAsync_RepeatedProviderId_IsInvalidAndSavesNothing()
    {
        (await _host.Catalog.ImportAsync(_admin, _infrastructureId, [Small, Medium, Small with { Name = "dup" }], [])).ShouldBeRefused(RefusalKind.Invalid, Fields.Selection);

        Assert.Equal(0, await _host.CountAsync<FlavorEntry>());
    }

    [Fact]
    public async Task ImportAsync_NothingSelected_IsInvalid() =>
        (await _host.Catalog.ImportAsync(_admin, _infrastructureId, [], [])).ShouldBeRefused(RefusalKind.Invalid, Fields.Selection);

    [Fact]
    public async Task ImportAsync_UnknownInfrastructure_IsNotFound() =>
        (await _host.Catalog.ImportAsync(_admin, Guid.NewGuid(), [Small], [])).ShouldBeRefused(RefusalKind.NotFound);

    [Fact]
    public async Task ImportAsync_CloudNameEmptyOrTooLong_FallsBackToIdOrIsCut()
    {
        await ImportAsync([new FlavorSpec("f-noname", "  ", 1, 1024, 10), new FlavorSpec("f-long", new string('n', 300), 1, 1024, 10)]);

        Assert.Equal("f-noname", (await FlavorAsync("f-noname")).Name);
        Assert.Equal(Limits.NameMaxLength, (await FlavorAsync("f-long")).Name.Length);
        Assert.Equal(CatalogEntry.ProviderTextMaxLength, (await FlavorAsync("f-long")).ProviderName.Length);
    }

    // ---- rename, describe ----

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task RenameAsync_EmptyName_IsInvalidAndKeepsTheName(string? name)
    {
        await ImportAsync([Small]);
        var entry = await FlavorAsync("f-small");

        var refusal = (await _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, name, "new description"))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal("Name is required.", refusal.Message);
        var after = await FlavorAsync("f-small");
        Assert.Equal("m1.small", after.Name);
        Assert.Equal("", after.Description);
        Assert.Equal(entry.Version, after.Version);
    }

    [Fact]
    public async Task RenameAsync_NameAndDescription_StoresBothAndBumpsTheVersion()
    {
        await ImportAsync([], [Kube]);
        var entry = await ImageAsync("i-kube");

        (await _host.Catalog.RenameAsync(_admin, CatalogKind.Image, entry.Id, entry.Version, "  Kubernetes 1.32 node ", " Use for 1.32 clusters.\nPatched monthly. "))
            .ShouldSucceed();

        var after = await ImageAsync("i-kube");
        Assert.Equal("Kubernetes 1.32 node", after.Name);
        Assert.Equal("Use for 1.32 clusters.\nPatched monthly.", after.Description);
        Assert.Equal("ubuntu-2404-kube-v1.32.3-5", after.ProviderName);
        Assert.Equal(entry.Version + 1, after.Version);
    }

    [Fact]
    public async Task RenameAsync_DescriptionOnly_KeepsTheName()
    {
        await ImportAsync([Small]);
        var entry = await FlavorAsync("f-small");

        (await _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, entry.Name, "For tests.")).ShouldSucceed();

        var after = await FlavorAsync("f-small");
        Assert.Equal("m1.small", after.Name);
        Assert.Equal("For tests.", after.Description);
    }

    [Fact]
    public async Task RenameAsync_DescriptionTooLong_IsInvalidAndChangesNothing()
    {
        await ImportAsync([Small]);
        var entry = await FlavorAsync("f-small");

        (await _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, "Renamed", new string('d', Limits.DescriptionMaxLength + 1)))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Description);

        Assert.Equal("m1.small", (await FlavorAsync("f-small")).Name);
    }

    [Fact]
    public async Task RenameAsync_StaleVersion_IsConcurrencyAndKeepsTheFirstWriter()
    {
        await ImportAsync([Small]);
        var entry = await FlavorAsync("f-small");
        (await _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, "First", null)).ShouldSucceed();

        (await _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, "Second", null))
            .ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("First", (await FlavorAsync("f-small")).Name);
    }

    [Fact]
    public async Task RenameAsync_ConcurrentWriterCommitsBetweenLoadAndSave_IsConcurrency()
    {
        await ImportAsync([Small]);
        var entry = await FlavorAsync("f-small");

        // Both start from the same version; they race to save.
        var results = await Task.WhenAll(
            _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, "Alpha", null),
            _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, "Beta", null));

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(results, r => !r.Succeeded).ShouldBeRefused(RefusalKind.Concurrency);
        var after = await FlavorAsync("f-small");
        Assert.Contains(after.Name, new[] { "Alpha", "Beta" });
        Assert.Equal(entry.Version + 1, after.Version);
    }

    [Fact]
    public async Task RenameAsync_UnknownEntry_IsNotFound() =>
        (await _host.Catalog.RenameAsync(_admin, CatalogKind.Image, Guid.NewGuid(), 0, "x", null)).ShouldBeRefused(RefusalKind.NotFound);

    // ---- enable / disable / delete ----

    [Fact]
    public async Task SetEnabledAsync_Bulk_DisablesAndEnablesTheSelection()
    {
        await ImportAsync([Small, Medium, Large]);
        var small = await FlavorAsync("f-small");
        var medium = await FlavorAsync("f-medium");

        (await _host.Catalog.SetEnabledAsync(_admin, CatalogKind.Flavor, [small.Id, medium.Id], false)).ShouldSucceed();

        Assert.False((await FlavorAsync("f-small")).Enabled);
        Assert.False((await FlavorAsync("f-medium")).Enabled);
        Assert.True((await FlavorAsync("f-large")).Enabled);
        Assert.Equal("catalog.flavor.disable", (await _host.AuditEntriesAsync()).Last().Action);

        (await _host.Catalog.SetEnabledAsync(_admin, CatalogKind.Flavor, [medium.Id], true)).ShouldSucceed();

        Assert.False((await FlavorAsync("f-small")).Enabled);
        Assert.True((await FlavorAsync("f-medium")).Enabled);
    }

    [Fact]
    public async Task SetEnabledAsync_OneIdUnknown_IsNotFoundAndChangesNothing()
    {
        await ImportAsync([Small]);
        var small = await FlavorAsync("f-small");

        (await _host.Catalog.SetEnabledAsync(_admin, CatalogKind.Flavor, [small.Id, Guid.NewGuid()], false)).ShouldBeRefused(RefusalKind.NotFound);

        Assert.True((await FlavorAsync("f-small")).Enabled);
    }

    [Fact]
    public async Task SetEnabledAsync_WrongKind_IsNotFound()
    {
        await ImportAsync([Small]);
        var small = await FlavorAsync("f-small");

        (await _host.Catalog.SetEnabledAsync(_admin, CatalogKind.Image, [small.Id], false)).ShouldBeRefused(RefusalKind.NotFound);

        Assert.True((await FlavorAsync("f-small")).Enabled);
    }

    [Fact]
    public async Task SetEnabledAsync_EmptySelection_IsInvalid() =>
        (await _host.Catalog.SetEnabledAsync(_admin, CatalogKind.Flavor, [], false)).ShouldBeRefused(RefusalKind.Invalid, Fields.Selection);

    [Fact]
    public async Task DeleteAsync_Bulk_RemovesOnlyTheSelection()
    {
        await ImportAsync([Small, Medium, Large], [Ubuntu, Kube]);
        var small = await FlavorAsync("f-small");
        var large = await FlavorAsync("f-large");

        (await _host.Catalog.DeleteAsync(_admin, CatalogKind.Flavor, [small.Id, large.Id])).ShouldSucceed();

        await using var db = _host.NewContext();
        Assert.Equal(["f-medium"], await db.Flavors.Select(f => f.ProviderId).ToListAsync());
        Assert.Equal(2, await db.Images.CountAsync());
        // A deleted entry can be imported again.
        (await _host.Catalog.ImportAsync(_admin, _infrastructureId, [Small], [])).ShouldSucceed();
    }

    [Fact]
    public async Task DeleteAsync_OneIdUnknown_IsNotFoundAndDeletesNothing()
    {
        await ImportAsync([Small, Medium]);
        var small = await FlavorAsync("f-small");

        (await _host.Catalog.DeleteAsync(_admin, CatalogKind.Flavor, [small.Id, Guid.NewGuid()])).ShouldBeRefused(RefusalKind.NotFound);

        Assert.Equal(2, await _host.CountAsync<FlavorEntry>());
    }

    // ---- refresh from cloud ----

    [Fact]
    public async Task RefreshAsync_EntryGoneFromCloud_IsFlaggedNotDeleted()
    {
        await ImportAsync([Small, Medium], [Ubuntu, Kube]);
        var importedAt = _host.Clock.GetUtcNow();
        _host.Clock.Advance(TimeSpan.FromHours(1));

        var outcome = (await _host.Catalog.RefreshAsync(_admin, _infrastructureId, [Small], [Kube])).ShouldSucceed();

        Assert.Equal(new RefreshOutcome(Present: 2, Missing: 2, Returned: 2), outcome);
        var medium = await FlavorAsync("f-medium");
        Assert.True(medium.MissingFromCloud);
        Assert.Equal(importedAt, medium.LastSeenAt);
        Assert.True((await ImageAsync("i-ubuntu")).MissingFromCloud);
        var small = await FlavorAsync("f-small");
        Assert.False(small.MissingFromCloud);
        Assert.Equal(_host.Clock.GetUtcNow(), small.LastSeenAt);
        Assert.Equal(2, await _host.CountAsync<FlavorEntry>());
        var rows = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery())).ShouldSucceed();
        Assert.True(rows.Items.Single(r => r.ProviderId == "f-medium").MissingFromCloud);
    }

    [Fact]
    public async Task RefreshAsync_EntryBackInCloud_IsUnflagged()
    {
        await ImportAsync([Small, Medium]);
        (await _host.Catalog.RefreshAsync(_admin, _infrastructureId, [Small], [])).ShouldSucceed();
        Assert.True((await FlavorAsync("f-medium")).MissingFromCloud);

        var outcome = (await _host.Catalog.RefreshAsync(_admin, _infrastructureId, [Small, Medium, Large], [])).ShouldSucceed();

        Assert.Equal(new RefreshOutcome(Present: 2, Missing: 0, Returned: 3), outcome);
        Assert.False((await FlavorAsync("f-medium")).MissingFromCloud);
        // New cloud entries are left for import, not added.
        Assert.Equal(2, await _host.CountAsync<FlavorEntry>());
    }

    [Fact]
    public async Task RefreshAsync_SizesChangedInCloud_UpdatesSizesButKeepsOurName()
    {
        await ImportAsync([Small], [Kube]);
        var entry = await FlavorAsync("f-small");
        (await _host.Catalog.RenameAsync(_admin, CatalogKind.Flavor, entry.Id, entry.Version, "Small", null)).ShouldSucceed();

        (await _host.Catalog.RefreshAsync(_admin, _infrastructureId, [Small with { Name = "m1.small.v2", Vcpus = 2, RamMb = 3072, DiskGb = 25 }],
            [Kube with { MinRamMb = 4096, MinDiskGb = 30, KubernetesVersion = "1.32.4-1" }])).ShouldSucceed();

        var flavor = await FlavorAsync("f-small");
        Assert.Equal("Small", flavor.Name);
        Assert.Equal("m1.small.v2", flavor.ProviderName);
        Assert.Equal((2, 3072, 25), (flavor.Vcpus, flavor.RamMb, flavor.DiskGb));
        var image = await ImageAsync("i-kube");
        Assert.Equal((4096, 30, "1.32.4-1"), (image.MinRamMb, image.MinDiskGb, image.KubernetesVersion));
    }

    [Fact]
    public async Task RefreshAsync_CloudListsNothing_FlagsEverythingAndDeletesNothing()
    {
        await ImportAsync([Small, Medium], [Ubuntu]);

        var outcome = (await _host.Catalog.RefreshAsync(_admin, _infrastructureId, [], [])).ShouldSucceed();

        Assert.Equal(3, outcome.Missing);
        Assert.Equal(2, await _host.CountAsync<FlavorEntry>());
        Assert.Equal(1, await _host.CountAsync<ImageEntry>());
    }

    // ---- list ----

    private async Task SeedGridAsync()
    {
        var flavors = Enumerable.Range(1, 30)
            .Select(i => new FlavorSpec($"f-{i:D2}", $"{(i % 2 == 0 ? "gpu" : "std")}.size-{i:D2}", i, 1024 * (i % 7 + 1), 10 * i))
            .ToList();
        await ImportAsync(flavors);
        await using var db = _host.NewContext();
        var odd = await db.Flavors.Where(f => f.ProviderId.EndsWith("1") || f.ProviderId.EndsWith("3")).Select(f => f.Id).ToListAsync();
        (await _host.Catalog.SetEnabledAsync(_admin, CatalogKind.Flavor, odd, false)).ShouldSucceed();
    }

    [Fact]
    public async Task ListFlavorsAsync_DefaultQuery_PagesByNameWithTheTotal()
    {
        await SeedGridAsync();

        var first = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Skip: 0, Take: 20))).ShouldSucceed();
        var second = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Skip: 20, Take: 20))).ShouldSucceed();

        Assert.Equal(30, first.Total);
        Assert.Equal(20, first.Items.Count);
        Assert.Equal(10, second.Items.Count);
        var names = first.Items.Concat(second.Items).Select(r => r.Name).ToList();
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase).ToList(), names);
        Assert.Equal("gpu.size-02", names[0]);
    }

    [Fact]
    public async Task ListFlavorsAsync_OtherInfrastructure_IsNotListed()
    {
        await ImportAsync([Small]);
        var other = await _host.RegisterDemoAsync(_admin, "Other");
        (await _host.Catalog.ImportAsync(_admin, other, [Medium, Large], [])).ShouldSucceed();

        var page = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery())).ShouldSucceed();

        Assert.Equal(1, page.Total);
        Assert.Equal("f-small", Assert.Single(page.Items).ProviderId);
    }

    [Fact]
    public async Task ListFlavorsAsync_EnabledFilter_ReturnsOnlyMatchingRows()
    {
        await SeedGridAsync();

        var disabled = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Take: 50, Enabled: false))).ShouldSucceed();
        var enabled = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Take: 50, Enabled: true))).ShouldSucceed();

        // Provider ids ending in 1 or 3 among f-01..f-30: 01 03 11 13 21 23 = 6.
        Assert.Equal(6, disabled.Total);
        Assert.All(disabled.Items, r => Assert.False(r.Enabled));
        Assert.Equal(24, enabled.Total);
        Assert.All(enabled.Items, r => Assert.True(r.Enabled));
    }

    [Fact]
    public async Task ListFlavorsAsync_Search_MatchesNameCaseInsensitivelyAndCombinesWithTheFilter()
    {
        await SeedGridAsync();

        var gpu = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Take: 50, Search: " GPU "))).ShouldSucceed();
        var oneByName = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Search: "size-13"))).ShouldSucceed();
        var oneById = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Search: "f-07"))).ShouldSucceed();
        var stdEnabled = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Take: 50, Search: "std", Enabled: true))).ShouldSucceed();

        Assert.Equal(15, gpu.Total);
        Assert.All(gpu.Items, r => Assert.StartsWith("gpu.", r.Name));
        Assert.Equal("std.size-13", Assert.Single(oneByName.Items).Name);
        Assert.Equal("std.size-07", Assert.Single(oneById.Items).Name);
        // 15 std (odd) flavors; 6 of them disabled.
        Assert.Equal(9, stdEnabled.Total);
    }

    [Fact]
    public async Task ListFlavorsAsync_SortByRamDescending_OrdersByRamThenStably()
    {
        await SeedGridAsync();

        var page = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId,
            new CatalogQuery(Take: 50, Sort: CatalogSort.Ram, Descending: true))).ShouldSucceed();

        var ram = page.Items.Select(r => r.RamMb).ToList();
        Assert.Equal(ram.OrderDescending().ToList(), ram);
        Assert.Equal(7 * 1024, ram[0]);
        Assert.Equal(30, ram.Count);
    }

    [Fact]
    public async Task ListFlavorsAsync_SortByVcpusAscendingPaged_IsContiguous()
    {
        await SeedGridAsync();

        var first = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Skip: 0, Take: 10, Sort: CatalogSort.Vcpus))).ShouldSucceed();
        var second = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Skip: 10, Take: 10, Sort: CatalogSort.Vcpus))).ShouldSucceed();

        Assert.Equal(Enumerable.Range(1, 20), first.Items.Concat(second.Items).Select(r => r.Vcpus));
    }

    [Fact]
    public async Task ListImagesAsync_SortByKubernetesVersionAndFilter_ShowsTheVersion()
    {
        await ImportAsync([], [Ubuntu, Kube, new ImageSpec("i-old", "ubuntu-2204-kube-v1.31.6-2", 2048, 20, "1.31.6-2", "ubuntu")]);

        var page = (await _host.Catalog.ListImagesAsync(_admin, _infrastructureId,
            new CatalogQuery(Search: "kube", Sort: CatalogSort.KubernetesVersion, Descending: true))).ShouldSucceed();

        Assert.Equal(["1.32.3-5", "1.31.6-2"], page.Items.Select(r => r.KubernetesVersion));
        Assert.Equal(2048, page.Items[0].MinRamMb);
    }

    [Fact]
    public async Task ListFlavorsAsync_OversizedTake_IsClampedToTheMaximumPage()
    {
        await ImportAsync(Enumerable.Range(1, Limits.MaxPageSize + 5).Select(i => new FlavorSpec($"f-{i}", $"flavor-{i:D4}", 1, 1024, 10)).ToList());

        var page = (await _host.Catalog.ListFlavorsAsync(_admin, _infrastructureId, new CatalogQuery(Take: 10_000))).ShouldSucceed();

        Assert.Equal(Limits.MaxPageSize, page.Items.Count);
        Assert.Equal(Limits.MaxPageSize + 5, page.Total);
    }

    // ---- roles ----

    [Fact]
    public async Task PlatformViewer_CanListButNotChange()
    {
        await ImportAsync([Small], [Ubuntu]);
        var entry = await FlavorAsync("f-small");
        var viewer = await _host.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        Assert.Equal(1, (await _host.Catalog.ListFlavorsAsync(viewer, _infrastructureId, new CatalogQuery())).ShouldSucceed().Total);
        Assert.Equal(1, (await _host.Catalog.ListImagesAsync(viewer, _infrastructureId, new CatalogQuery())).ShouldSucceed().Total);
        (await _host.Catalog.ImportAsync(viewer, _infrastructureId, [Medium], [])).ShouldBeRefused(RefusalKind.Forbidden);
        (await _host.Catalog.RenameAsync(viewer, CatalogKind.Flavor, entry.Id, entry.Version, "Hacked", null)).ShouldBeRefused(RefusalKind.Forbidden);
        (await _host.Catalog.SetEnabledAsync(viewer, CatalogKind.Flavor, [entry.Id], false)).ShouldBeRefused(RefusalKind.Forbidden);
        (await _host.Catalog.DeleteAsync(viewer, CatalogKind.Flavor, [entry.Id])).ShouldBeRefused(RefusalKind.Forbidden);
        (await _host.Catalog.RefreshAsync(viewer, _infrastructureId, [], [])).ShouldBeRefused(RefusalKind.Forbidden);

        var after = await FlavorAsync("f-small");
        Assert.Equal("m1.small", after.Name);
        Assert.True(after.Enabled);
        Assert.False(after.MissingFromCloud);
        Assert.Equal(1, await _host.CountAsync<FlavorEntry>());
    }

    [Fact]
    public async Task UserWithoutPlatformRole_CannotList()
    {
        var nobody = await _host.AddUserAsync("nobody@portal.test", PlatformRole.None);

        (await _host.Catalog.ListFlavorsAsync(nobody, _infrastructureId, new CatalogQuery())).ShouldBeRefused(RefusalKind.Forbidden);
        (await _host.Catalog.ListImagesAsync(nobody, _infrastructureId, new CatalogQuery())).ShouldBeRefused(RefusalKind.Forbidden);
    }
}

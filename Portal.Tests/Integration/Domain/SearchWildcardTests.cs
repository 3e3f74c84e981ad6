using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Integration.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// LIKE's wildcards typed into a search box are taken literally in every search: "%" finds the names that contain a
/// percent sign (not every row), "_" those with an underscore, and "e_O" does not match "eXO".
/// </summary>
public sealed class SearchWildcardTests
{
    /// <summary>Names that a search for a wildcard taken as a wildcard would all match.</summary>
    private static readonly string[] Names = ["100% Acme", "Acme_Ops", "AcmeXOps", @"Back\slash", "Plain"];

    public static TheoryData<string, string> Searches => new()
    {
        { "%", "100% Acme" },
        { "_", "Acme_Ops" },
        { "e_O", "Acme_Ops" },
        { "0%", "100% Acme" },
        { @"\", @"Back\slash" },
        { @"k\s", @"Back\slash" },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task ListTenantsAsync_SearchWithALikeWildcard_MatchesItLiterally(string search, string expected)
    {
        await using var db = await TestDatabase.CreateAsync();
        var admin = await db.AddPlatformAdminAsync();
        foreach (var name in Names) await db.SeedTenantAsync(name, NameRules.SlugFrom(name));

        var page = await db.Tenancy.ListTenantsAsync(admin, new PageRequest(0, 50, search));

        Assert.Equal(expected, Assert.Single(page.Items).Name);
    }

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task ListProjectsAsync_SearchWithALikeWildcard_MatchesItLiterally(string search, string expected)
    {
        await using var db = await TestDatabase.CreateAsync();
        var admin = await db.AddPlatformAdminAsync();
        var tenantId = await db.SeedTenantAsync("Tenant");
        foreach (var name in Names) await db.SeedProjectAsync(tenantId, name);

        var page = await db.Tenancy.ListProjectsAsync(admin, tenantId, new PageRequest(0, 50, search));

        Assert.Equal(expected, Assert.Single(page.Items).Name);
    }

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task ListUsersAsync_SearchWithALikeWildcard_MatchesItLiterally(string search, string expected)
    {
        await using var db = await TestDatabase.CreateAsync();
        var admin = await db.AddPlatformAdminAsync("root@portal.test");
        for (var i = 0; i < Names.Length; i++) await db.AddUserAsync($"user{i}@portal.test", displayName: Names[i]);

        var page = (await db.Users.ListUsersAsync(admin, new PageRequest(0, 50, search))).ShouldSucceed();

        Assert.Equal(expected, Assert.Single(page.Items).DisplayName);
    }

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task AuditListAsync_SearchWithALikeWildcard_MatchesItLiterally(string search, string expected)
    {
        await using var db = await TestDatabase.CreateAsync();
        var admin = await db.AddPlatformAdminAsync("root@portal.test");
        foreach (var name in Names) (await db.Tenancy.CreateTenantAsync(admin, name, NameRules.SlugFrom(name), null)).ShouldSucceed();

        var page = (await db.AuditQueries.ListAsync(admin, new PageRequest(0, 50, search))).ShouldSucceed();

        Assert.Equal(expected, Assert.Single(page.Items).TargetName);
    }

    [Fact]
    public async Task PlatformSearches_SearchWithALikeWildcard_MatchItLiterally()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var infrastructures = new Dictionary<string, Guid>();
        foreach (var name in Names) infrastructures[name] = await host.RegisterDemoAsync(name);
        var shared = infrastructures["Plain"];
        foreach (var name in Names) await host.CreateConfigAsync(shared, name);
        var catalog = host.Services.GetRequiredService<CatalogService>();
        (await catalog.ImportAsync(host.Admin, shared, Names.Select((n, i) => new FlavorSpec($"flavor-{i}", n, 2, 4096, 20)).ToList(), [])).ShouldSucceed();

        foreach (var (search, expected) in Searches.Select(row => ((string)row[0], (string)row[1])))
        {
            var page = new PageRequest(0, 50, search);
            Assert.Equal(expected, Assert.Single((await host.Infrastructures.ListAsync(host.Admin, page)).ShouldSucceed().Items).Name);
            Assert.Equal(expected, Assert.Single((await host.Configs.ListVisibleAsync(host.Admin, shared, page)).Items).Name);
            Assert.Equal(expected, Assert.Single((await catalog.ListFlavorsAsync(host.Admin, shared, new CatalogQuery(0, 50, search))).ShouldSucceed().Items).Name);
        }
    }
}

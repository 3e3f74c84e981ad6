using Portal.Domain.Identity;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

public sealed class BootstrapAdminTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<BootstrapAdminCreated?> EnsureAsync(string email = "root@portal.test", string? password = null) =>
        BootstrapAdmin.EnsureAsync(_db.Services, new BootstrapAdminOptions { Email = email, Password = password }, _db.Clock);

    private Task<bool> CanSignInAsync(string email, string password) =>
        _db.WithUserManagerAsync(async users => await users.FindByEmailAsync(email) is { } user && await users.CheckPasswordAsync(user, password));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task EnsureAsync_NoAdminAndNoPasswordConfigured_CreatesAnAdminWithAGeneratedPasswordThatSignsIn(string? configured)
    {
        var created = await EnsureAsync(password: configured);

        Assert.NotNull(created);
        Assert.Equal("root@portal.test", created.Email);
        Assert.NotNull(created.GeneratedPassword);
        Assert.Equal(20, created.GeneratedPassword.Length);
        Assert.True(await CanSignInAsync("root@portal.test", created.GeneratedPassword));
        var admin = await _db.FindUserByEmailAsync("root@portal.test");
        Assert.Equal(PlatformRole.Admin, admin!.PlatformRole);
        Assert.True(admin.EmailConfirmed);
        Assert.Equal(_db.Clock.GetUtcNow(), admin.CreatedAt);
        Assert.False(string.IsNullOrWhiteSpace(admin.DisplayName));
    }

    [Fact]
    public async Task EnsureAsync_GeneratedPassword_AvoidsLookAlikeCharactersAndDiffersEachTime()
    {
        var first = (await EnsureAsync())!.GeneratedPassword!;
        await using var other = await TestDatabase.CreateAsync();
        var second = (await BootstrapAdmin.EnsureAsync(other.Services, new BootstrapAdminOptions { Email = "root@portal.test" }, other.Clock))!
            .GeneratedPassword!;

        Assert.NotEqual(first, second);
        Assert.All(first + second, c => Assert.True(char.IsAsciiLetterOrDigit(c) && !"0O1lI".Contains(c), $"'{c}' should not appear"));
    }

    [Fact]
    public async Task EnsureAsync_PasswordConfigured_CreatesTheAdminWithThatPasswordAndReturnsNoGeneratedOne()
    {
        var created = await EnsureAsync(password: TestDatabase.Password);

        Assert.NotNull(created);
        Assert.Null(created.GeneratedPassword);
        Assert.True(await CanSignInAsync("root@portal.test", TestDatabase.Password));
    }

    [Fact]
    public async Task EnsureAsync_SecondCall_ReturnsNullAndChangesNothing()
    {
        var first = await EnsureAsync();

        var second = await EnsureAsync();
        var third = await EnsureAsync(email: "other@portal.test", password: TestDatabase.Password);

        Assert.Null(second);
        Assert.Null(third);
        Assert.Equal(1, await _db.CountAsync<PortalUser>());
        Assert.True(await CanSignInAsync("root@portal.test", first!.GeneratedPassword!));
    }

    [Fact]
    public async Task EnsureAsync_AnotherPlatformAdminExists_ReturnsNullAndCreatesNothing()
    {
        await _db.AddPlatformAdminAsync("someone@portal.test");

        Assert.Null(await EnsureAsync());

        Assert.Null(await _db.FindUserByEmailAsync("root@portal.test"));
        Assert.Equal(1, await _db.CountAsync<PortalUser>());
    }

    [Fact]
    public async Task EnsureAsync_OnlyAPlatformViewerExists_StillCreatesAnAdmin()
    {
        await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        Assert.NotNull(await EnsureAsync());

        Assert.Equal(PlatformRole.Admin, (await _db.FindUserByEmailAsync("root@portal.test"))!.PlatformRole);
    }

    [Fact]
    public async Task EnsureAsync_ConfiguredEmailBelongsToANonAdmin_PromotesThatAccountAndSetsThePassword()
    {
        await _db.AddUserAsync("root@portal.test", password: "the-former-battery-staple");

        var created = await EnsureAsync(password: TestDatabase.Password);

        Assert.NotNull(created);
        Assert.Null(created.GeneratedPassword);
        Assert.Equal(1, await _db.CountAsync<PortalUser>());
        Assert.Equal(PlatformRole.Admin, (await _db.FindUserByEmailAsync("root@portal.test"))!.PlatformRole);
        Assert.True(await CanSignInAsync("root@portal.test", TestDatabase.Password));
        Assert.False(await CanSignInAsync("root@portal.test", "the-former-battery-staple"));
    }

    [Fact]
    public async Task EnsureAsync_ConfiguredPasswordBreaksThePolicy_ThrowsNamingTheSettingsAndCreatesNothing()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EnsureAsync(password: "short"));

        Assert.Contains("BootstrapAdmin:Password", error.Message);
        Assert.Equal(0, await _db.CountAsync<PortalUser>());
    }
}

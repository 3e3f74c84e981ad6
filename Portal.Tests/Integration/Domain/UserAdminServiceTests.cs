using Microsoft.AspNetCore.Identity;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

public sealed class UserAdminServiceTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddPlatformAdminAsync("admin@portal.test");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<int> UserCountAsync() => _db.CountAsync<PortalUser>();

    // ---- create ----

    [Fact]
    public async Task CreateUserAsync_ValidInput_CreatesAnAccountThatCanSignInWithThePassword()
    {
        var id = (await _db.Users.CreateUserAsync(_admin, " dev@acme.test ", " Dev Eloper ", TestDatabase.Password, PlatformRole.Viewer))
            .ShouldSucceed();

        var user = await _db.FindUserByEmailAsync("dev@acme.test");
        Assert.NotNull(user);
        Assert.Equal(id, user.Id);
        Assert.Equal("dev@acme.test", user.Email);
        Assert.Equal("dev@acme.test", user.UserName);
        Assert.Equal("Dev Eloper", user.DisplayName);
        Assert.Equal(PlatformRole.Viewer, user.PlatformRole);
        Assert.True(user.EmailConfirmed);
        Assert.Equal(_db.Clock.GetUtcNow(), user.CreatedAt);
        Assert.True(await _db.WithUserManagerAsync(users => users.CheckPasswordAsync(user, TestDatabase.Password)));
        Assert.False(await _db.WithUserManagerAsync(users => users.CheckPasswordAsync(user, "not-the-password")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task CreateUserAsync_NoDisplayName_UsesTheEmail(string? displayName)
    {
        (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", displayName, TestDatabase.Password, PlatformRole.None)).ShouldSucceed();

        Assert.Equal("dev@acme.test", (await _db.FindUserByEmailAsync("dev@acme.test"))!.DisplayName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-an-email")]
    [InlineData("dev@")]
    [InlineData("@acme.test")]
    [InlineData("Dev <dev@acme.test>")]
    [InlineData("dev@acme.test, ops@acme.test")]
    public async Task CreateUserAsync_MissingOrInvalidEmail_IsInvalidOnEmailAndCreatesNothing(string? email)
    {
        (await _db.Users.CreateUserAsync(_admin, email, "Dev", TestDatabase.Password, PlatformRole.None)).ShouldBeRefused(RefusalKind.Invalid, Fields.Email);

        Assert.Equal(1, await UserCountAsync());
    }

    [Fact]
    public async Task CreateUserAsync_EmailOverMaxLength_IsInvalidOnEmail()
    {
        var email = new string('d', Limits.EmailMaxLength) + "@acme.test";

        (await _db.Users.CreateUserAsync(_admin, email, "Dev", TestDatabase.Password, PlatformRole.None)).ShouldBeRefused(RefusalKind.Invalid, Fields.Email);

        Assert.Equal(1, await UserCountAsync());
    }

    [Fact]
    public async Task CreateUserAsync_PasswordOneShorterThanTheMinimum_IsInvalidOnPasswordAndCreatesNothing()
    {
        var password = "abcdefghijklmnop"[..(Limits.PasswordMinLength - 1)];

        var refusal = (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", "Dev", password, PlatformRole.None))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Password);

        Assert.Contains(Limits.PasswordMinLength.ToString(), refusal.Message);
        Assert.Null(await _db.FindUserByEmailAsync("dev@acme.test"));
    }

    [Fact]
    public async Task CreateUserAsync_PasswordExactlyTheMinimumLength_IsAccepted()
    {
        var password = "Zq8Lr2vXw0pNcY4t"[..Limits.PasswordMinLength];

        (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", "Dev", password, PlatformRole.None)).ShouldSucceed();
    }

    [Fact]
    public async Task CreateUserAsync_LongPasswordOfOneRepeatedCharacter_IsInvalidOnPassword()
    {
        (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", "Dev", new string('a', 20), PlatformRole.None))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Password);

        Assert.Null(await _db.FindUserByEmailAsync("dev@acme.test"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task CreateUserAsync_NoPassword_IsInvalidOnPassword(string? password)
    {
        (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", "Dev", password, PlatformRole.None)).ShouldBeRefused(RefusalKind.Invalid, Fields.Password);

        Assert.Equal(1, await UserCountAsync());
    }

    [Theory]
    [InlineData("admin@portal.test")]
    [InlineData("ADMIN@Portal.Test")]
    public async Task CreateUserAsync_EmailAlreadyUsedInAnyCase_IsRefusedWithConflictOnEmail(string email)
    {
        (await _db.Users.CreateUserAsync(_admin, email, "Again", TestDatabase.Password, PlatformRole.None)).ShouldBeRefused(RefusalKind.Conflict, Fields.Email);

        Assert.Equal(1, await UserCountAsync());
    }

    [Fact]
    public async Task CreateUserAsync_DisplayNameTooLongOrWithControlCharacters_IsInvalidOnDisplayName()
    {
        (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", new string('n', Limits.DisplayNameMaxLength + 1), TestDatabase.Password, PlatformRole.None))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.DisplayName);
        (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", "Dev\tEloper", TestDatabase.Password, PlatformRole.None))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.DisplayName);

        Assert.Equal(1, await UserCountAsync());
    }

    [Fact]
    public async Task CreateUserAsync_UndefinedPlatformRole_IsInvalid()
    {
        (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", "Dev", TestDatabase.Password, (PlatformRole)9))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.PlatformRole);
    }

    [Theory]
    [InlineData(PlatformRole.None)]
    [InlineData(PlatformRole.Viewer)]
    public async Task CreateUserAsync_ByNonPlatformAdmin_IsForbiddenAndCreatesNothing(PlatformRole role)
    {
        var actor = await _db.AddUserAsync("someone@portal.test", role);

        (await _db.Users.CreateUserAsync(actor, "dev@acme.test", "Dev", TestDatabase.Password, PlatformRole.Admin)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Null(await _db.FindUserByEmailAsync("dev@acme.test"));
    }

    [Fact]
    public async Task CreateUserAsync_Succeeded_AuditsTheAccountButNeverThePassword()
    {
        const string secret = "my-very-secret-passphrase";

        var id = (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", "Dev", secret, PlatformRole.None)).ShouldSucceed();

        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal("user.create", entry.Action);
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal(id, entry.TargetId);
        Assert.Contains("dev@acme.test", entry.Parameters);
        Assert.DoesNotContain(secret, entry.Parameters);
        Assert.DoesNotContain("password", entry.Parameters, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CreateUserAsync_RefusedForItsPassword_AuditsTheRefusalButNeverThePassword()
    {
        const string secret = "short-pw1";

        (await _db.Users.CreateUserAsync(_admin, "dev@acme.test", "Dev", secret, PlatformRole.None)).ShouldBeRefused(RefusalKind.Invalid, Fields.Password);

        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.DoesNotContain(secret, entry.Parameters);
        Assert.DoesNotContain(secret, entry.Reason ?? "");
        Assert.DoesNotContain(secret, entry.TargetName);
    }

    // ---- platform role ----

    [Fact]
    public async Task ListUsersAsync_LastPlatformAdmin_CarriesTheReasonTheRoleCannotChange()
    {
        await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        var rows = (await _db.Users.ListUsersAsync(_admin, new PageRequest())).ShouldSucceed().Items;
        var refusal = (await _db.Users.ChangePlatformRoleAsync(_admin, _admin.UserId, PlatformRole.None)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(refusal.Message, rows.Single(u => u.Email == "admin@portal.test").WhyNotChangeRole);
        Assert.Null(rows.Single(u => u.Email == "viewer@portal.test").WhyNotChangeRole);
    }

    [Fact]
    public async Task ListUsersAsync_WithASecondPlatformAdmin_EitherAdminsRoleCanChange()
    {
        await _db.AddUserAsync("second@portal.test", PlatformRole.Admin);

        var rows = (await _db.Users.ListUsersAsync(_admin, new PageRequest())).ShouldSucceed().Items;

        Assert.All(rows, u => Assert.Null(u.WhyNotChangeRole));
    }

    [Fact]
    public async Task ChangePlatformRoleAsync_DemotingTheLastPlatformAdmin_IsRefusedAndKeepsTheRole()
    {
        await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        var refusal = (await _db.Users.ChangePlatformRoleAsync(_admin, _admin.UserId, PlatformRole.Viewer)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("last platform admin", refusal.Message);
        Assert.Equal(PlatformRole.Admin, (await _db.FindUserByEmailAsync("admin@portal.test"))!.PlatformRole);
    }

    [Fact]
    public async Task ChangePlatformRoleAsync_WithASecondPlatformAdmin_DemotionSucceedsAndRenewsTheSecurityStamp()
    {
        var second = await _db.AddPlatformAdminAsync("second@portal.test");
        var stampBefore = (await _db.FindUserByEmailAsync("admin@portal.test"))!.SecurityStamp;

        (await _db.Users.ChangePlatformRoleAsync(second, _admin.UserId, PlatformRole.None)).ShouldSucceed();

        var demoted = await _db.FindUserByEmailAsync("admin@portal.test");
        Assert.Equal(PlatformRole.None, demoted!.PlatformRole);
        Assert.NotEqual(stampBefore, demoted.SecurityStamp);
    }

    [Fact]
    public async Task ChangePlatformRoleAsync_PromotingAUser_Succeeds()
    {
        var user = await _db.AddUserAsync("dev@acme.test");

        (await _db.Users.ChangePlatformRoleAsync(_admin, user.UserId, PlatformRole.Admin)).ShouldSucceed();

        Assert.Equal(PlatformRole.Admin, (await _db.FindUserByEmailAsync("dev@acme.test"))!.PlatformRole);
    }

    [Fact]
    public async Task ChangePlatformRoleAsync_ByPlatformViewer_IsForbidden()
    {
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _db.Users.ChangePlatformRoleAsync(viewer, viewer.UserId, PlatformRole.Admin)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(PlatformRole.Viewer, (await _db.FindUserByEmailAsync("viewer@portal.test"))!.PlatformRole);
    }

    [Fact]
    public async Task ChangePlatformRoleAsync_UnknownUser_IsNotFound()
    {
        (await _db.Users.ChangePlatformRoleAsync(_admin, Guid.NewGuid().ToString(), PlatformRole.Viewer)).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task ChangePlatformRoleAsync_UndefinedRole_IsInvalidOnRole()
    {
        var user = await _db.AddUserAsync("dev@acme.test");

        (await _db.Users.ChangePlatformRoleAsync(_admin, user.UserId, (PlatformRole)5)).ShouldBeRefused(RefusalKind.Invalid, Fields.Role);
    }

    [Fact]
    public async Task ChangePlatformRoleAsync_TwoPlatformAdminsDemotedAtTheSameMoment_LeavesAPlatformAdmin()
    {
        var second = await _db.AddPlatformAdminAsync("second@portal.test");
        // The second admin demotes the first while the first's request, having checked "another admin exists", saves.
        Task<Result>? concurrent = null;
        _db.Hook.BeforeNextSave(() =>
        {
            concurrent = Task.Run(() => _db.Users.ChangePlatformRoleAsync(second, _admin.UserId, PlatformRole.Viewer));
            return Task.CompletedTask;
        });

        (await _db.Users.ChangePlatformRoleAsync(_admin, second.UserId, PlatformRole.Viewer)).ShouldSucceed();

        Assert.NotNull(concurrent);
        (await concurrent).ShouldBeRefused(RefusalKind.Conflict);
        var page = (await _db.Users.ListUsersAsync(second with { PlatformRole = PlatformRole.Viewer }, new PageRequest())).ShouldSucceed();
        Assert.Equal(1, page.Items.Count(u => u.PlatformRole == PlatformRole.Admin));
    }

    [Fact]
    public async Task ChangePlatformRoleAsync_AccountChangedAtTheSameMoment_NeitherWriteOverwritesTheOther()
    {
        var user = await _db.AddUserAsync("dev@acme.test");
        // A failed sign-in updates the account while the role change is in flight. It waits for the role change
        // to commit; then either it applies on top of it, or (having read the account before) Identity's
        // concurrency stamp refuses it. Either way the role change is not overwritten.
        Task<bool>? signIn = null;
        _db.Hook.BeforeNextSave(() =>
        {
            signIn = Task.Run(() => _db.WithUserManagerAsync(async users =>
                (await users.AccessFailedAsync((await users.FindByIdAsync(user.UserId))!)).Succeeded));
            return Task.CompletedTask;
        });

        (await _db.Users.ChangePlatformRoleAsync(_admin, user.UserId, PlatformRole.Admin)).ShouldSucceed();

        Assert.NotNull(signIn);
        var failureCounted = await signIn;
        var stored = (await _db.FindUserByEmailAsync("dev@acme.test"))!;
        Assert.Equal(PlatformRole.Admin, stored.PlatformRole);
        Assert.Equal(failureCounted ? 1 : 0, stored.AccessFailedCount);
    }

    // ---- lockout ----

    private async Task LockOutAsync(string email)
    {
        await _db.WithUserManagerAsync(async users =>
        {
            var user = (await users.FindByEmailAsync(email))!;
            for (var attempt = 0; attempt < Limits.MaxFailedSignIns; attempt++)
                await users.AccessFailedAsync(user);
            Assert.True(await users.IsLockedOutAsync(user), "The account should be locked after the maximum failed sign-ins.");
            return true;
        });
    }

    [Fact]
    public async Task LockAsync_Account_LocksItUntilUnlockedAndEndsItsSessions()
    {
        var user = await _db.AddUserAsync("dev@acme.test");
        var stampBefore = (await _db.FindUserByEmailAsync("dev@acme.test"))!.SecurityStamp;

        (await _db.Users.LockAsync(_admin, user.UserId)).ShouldSucceed();

        var stored = (await _db.FindUserByEmailAsync("dev@acme.test"))!;
        Assert.NotEqual(stampBefore, stored.SecurityStamp);
        _db.Clock.Advance(TimeSpan.FromDays(3650));
        var page = (await _db.Users.ListUsersAsync(_admin, new PageRequest(Search: "dev@"))).ShouldSucceed();
        Assert.True(Assert.Single(page.Items).LockedOut);
    }

    [Fact]
    public async Task LockAsync_OwnAccount_IsRefused()
    {
        (await _db.Users.LockAsync(_admin, _admin.UserId)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Null((await _db.FindUserByEmailAsync("admin@portal.test"))!.LockoutEnd);
    }

    [Fact]
    public async Task LockAsync_ByPlatformViewer_IsForbidden()
    {
        var user = await _db.AddUserAsync("dev@acme.test");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _db.Users.LockAsync(viewer, user.UserId)).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task LockAsync_TwoPlatformAdminsLockEachOtherAtTheSameMoment_LeavesOneWhoCanSignIn()
    {
        var second = await _db.AddPlatformAdminAsync("second@portal.test");
        Task<Result>? concurrent = null;
        _db.Hook.BeforeNextSave(() =>
        {
            concurrent = Task.Run(() => _db.Users.LockAsync(second, _admin.UserId));
            return Task.CompletedTask;
        });

        (await _db.Users.LockAsync(_admin, second.UserId)).ShouldSucceed();

        Assert.NotNull(concurrent);
        (await concurrent).ShouldBeRefused(RefusalKind.Conflict);
        Assert.Null((await _db.FindUserByEmailAsync("admin@portal.test"))!.LockoutEnd);
    }

    [Fact]
    public async Task UnlockAsync_LockedOutAccount_ClearsTheLockoutAndTheFailedCount()
    {
        var user = await _db.AddUserAsync("dev@acme.test", password: TestDatabase.Password);
        await LockOutAsync("dev@acme.test");

        (await _db.Users.UnlockAsync(_admin, user.UserId)).ShouldSucceed();

        await _db.WithUserManagerAsync(async users =>
        {
            var reloaded = (await users.FindByIdAsync(user.UserId))!;
            Assert.False(await users.IsLockedOutAsync(reloaded));
            Assert.Equal(0, await users.GetAccessFailedCountAsync(reloaded));
            Assert.True(await users.GetLockoutEnabledAsync(reloaded), "Unlocking must not switch lockout off for the account.");
            return true;
        });
    }

    [Fact]
    public async Task UnlockAsync_AccountWithSomeFailedSignIns_ResetsTheCount()
    {
        var user = await _db.AddUserAsync("dev@acme.test");
        await _db.WithUserManagerAsync(async users => await users.AccessFailedAsync((await users.FindByIdAsync(user.UserId))!));

        (await _db.Users.UnlockAsync(_admin, user.UserId)).ShouldSucceed();

        Assert.Equal(0, (await _db.FindUserByEmailAsync("dev@acme.test"))!.AccessFailedCount);
    }

    [Fact]
    public async Task UnlockAsync_ByPlatformViewer_IsForbiddenAndKeepsTheLockout()
    {
        var user = await _db.AddUserAsync("dev@acme.test");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);
        await LockOutAsync("dev@acme.test");

        (await _db.Users.UnlockAsync(viewer, user.UserId)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.True(await _db.WithUserManagerAsync(async users => await users.IsLockedOutAsync((await users.FindByIdAsync(user.UserId))!)));
    }

    [Fact]
    public async Task UnlockAsync_UnknownUser_IsNotFound()
    {
        (await _db.Users.UnlockAsync(_admin, "no-such-user")).ShouldBeRefused(RefusalKind.NotFound);
    }

    // ---- list ----

    [Fact]
    public async Task ListUsersAsync_ByUserWithoutPlatformRole_IsForbidden()
    {
        var nobody = await _db.AddUserAsync("nobody@portal.test");

        (await _db.Users.ListUsersAsync(nobody, new PageRequest())).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task ListUsersAsync_ByPlatformViewer_ListsAccountsWithRoleLockoutAndTenantCount()
    {
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);
        var dev = await _db.AddUserAsync("dev@acme.test");
        await _db.SeedMembershipAsync(await _db.SeedTenantAsync("Acme"), dev, TenantRole.Member);
        await _db.SeedMembershipAsync(await _db.SeedTenantAsync("Globex"), dev, TenantRole.Viewer);
        await LockOutAsync("dev@acme.test");

        var page = (await _db.Users.ListUsersAsync(viewer, new PageRequest())).ShouldSucceed();

        Assert.Equal(3, page.Total);
        Assert.Equal(["admin@portal.test", "dev@acme.test", "viewer@portal.test"], page.Items.Select(u => u.Email).Order());
        var row = Assert.Single(page.Items, u => u.Email == "dev@acme.test");
        Assert.True(row.LockedOut);
        Assert.Equal(2, row.TenantCount);
        Assert.Equal(PlatformRole.None, row.PlatformRole);
        Assert.False(Assert.Single(page.Items, u => u.Email == "admin@portal.test").LockedOut);
    }

    [Fact]
    public async Task ListUsersAsync_LockoutThatHasEnded_IsNotShownAsLockedOut()
    {
        await _db.AddUserAsync("dev@acme.test");
        await LockOutAsync("dev@acme.test");

        _db.Clock.Advance(Limits.LockoutDuration + TimeSpan.FromMinutes(1));
        var page = (await _db.Users.ListUsersAsync(_admin, new PageRequest(Search: "dev@"))).ShouldSucceed();

        Assert.False(Assert.Single(page.Items).LockedOut);
    }

    [Fact]
    public async Task ListUsersAsync_Search_MatchesEmailOrDisplayName()
    {
        await _db.AddUserAsync("dev@acme.test", displayName: "Grace Hopper");
        await _db.AddUserAsync("ops@acme.test", displayName: "Ada");

        var byName = (await _db.Users.ListUsersAsync(_admin, new PageRequest(Search: "hopper"))).ShouldSucceed();
        var byEmail = (await _db.Users.ListUsersAsync(_admin, new PageRequest(Search: "acme.test"))).ShouldSucceed();

        Assert.Equal(["dev@acme.test"], byName.Items.Select(u => u.Email));
        Assert.Equal(2, byEmail.Total);
    }
}

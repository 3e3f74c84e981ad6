using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Api;

/// <summary>The token's shape, its hash and the rules of creating and revoking one, without a database.</summary>
public sealed class ApiTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static Result<(ApiToken Token, string PlainText)> Create(DateTimeOffset expiresAt, string? name = "ci") =>
        ApiToken.Create("user-1", null, name, expiresAt, ApiScope.ReadOnly, [], "user-1", Now, Limits.MaxApiTokenLifetime);

    [Fact]
    public void NewToken_Always_HasTheMarkerAndFortyBase62Characters()
    {
        var token = ApiTokenSecret.NewToken();

        Assert.Matches("^ptl_[0-9A-Za-z]{40}$", token);
        Assert.True(ApiTokenSecret.LooksLikeToken(token));
        Assert.NotEqual(token, ApiTokenSecret.NewToken());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ptl_short")]
    [InlineData("xyz_0000000000000000000000000000000000000000")]
    [InlineData("ptl_00000000000000000000000000000000000000-0")]
    public void LooksLikeToken_NotATokensShape_False(string? presented) => Assert.False(ApiTokenSecret.LooksLikeToken(presented));

    [Fact]
    public void Create_ValidRequest_KeepsTheHashAndPrefixNotTheToken()
    {
        var (token, plain) = Create(Now.AddDays(30)).ShouldSucceed();

        Assert.Equal(ApiTokenSecret.HashOf(plain), token.Hash);
        Assert.Equal(64, token.Hash.Length);
        Assert.Equal(plain[4..12], token.Prefix);
    }

    [Fact]
    public void Create_ExpiryInThePast_RefusedOnExpiresAt() =>
        Create(Now.AddMinutes(-1)).ShouldBeRefused(RefusalKind.Invalid, Fields.ExpiresAt);

    [Fact]
    public void Create_ExpiryAtTheMaximum_Succeeds() => Create(Now + Limits.MaxApiTokenLifetime).ShouldSucceed();

    [Fact]
    public void Create_ExpiryBeyondTheMaximum_RefusedOnExpiresAt() =>
        Create(Now + Limits.MaxApiTokenLifetime + TimeSpan.FromMinutes(1)).ShouldBeRefused(RefusalKind.Invalid, Fields.ExpiresAt);

    [Fact]
    public void Create_BlankName_RefusedOnName() => Create(Now.AddDays(1), "  ").ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

    [Fact]
    public void Revoke_AlreadyRevoked_Conflict()
    {
        var (token, _) = Create(Now.AddDays(1)).ShouldSucceed();
        token.Revoke("user-1", Now).ShouldSucceed();

        token.Revoke("user-1", Now).ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void MaxTokenLifetime_ConfiguredDays_OverridesTheBuiltInMaximum()
    {
        Assert.Equal(Limits.MaxApiTokenLifetime, new ApiTokenOptions().MaxTokenLifetime);
        Assert.Equal(TimeSpan.FromDays(30), new ApiTokenOptions { MaxTokenLifetimeDays = 30 }.MaxTokenLifetime);
    }

    [Fact]
    public void WhyNotWrite_ReadOnlyCredential_Forbidden()
    {
        var actor = new Actor("user-1", "Ada (token ci)", PlatformRole.Admin)
        {
            Credential = new ApiCredential(Guid.NewGuid(), "ci", ApiScope.ReadOnly, null, null),
        };

        Assert.Equal(RefusalKind.Forbidden, actor.WhyNotWrite()?.Kind);
        Assert.Null((actor with { Credential = actor.Credential! with { Scope = ApiScope.ReadWrite } }).WhyNotWrite());
        Assert.Null(new Actor("user-1", "Ada", PlatformRole.None).WhyNotWrite());
    }
}

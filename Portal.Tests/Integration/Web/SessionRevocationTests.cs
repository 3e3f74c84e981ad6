using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Identity;
using Portal.Domain.Tenancy;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Web;

/// <summary>
/// A session ends for good: a cookie captured before a sign-out, a password change, a role change or a lock is refused
/// at its next request, wherever it is replayed from.
/// </summary>
public sealed class SessionRevocationTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task SignOut_CookieCapturedBefore_IsRefusedAfterwards()
    {
        const string email = "signs-out@portal.test";
        await factory.CreateUserAsync(email);
        var (client, cookie) = await SignedInAsync(email);
        await AssertWorksAsync(cookie);

        using (var signOut = await PortalHttp.SignOutAsync(client)) PortalHttp.AssertRedirect(signOut, PortalHttp.LoginPath);

        await AssertEndedAsync(cookie);
        client.Dispose();
    }

    [Fact]
    public async Task SignOut_EndsTheAccountsSessionsOnOtherDevicesToo()
    {
        const string email = "two-devices@portal.test";
        await factory.CreateUserAsync(email);
        var (laptop, _) = await SignedInAsync(email);
        var (phone, phoneCookie) = await SignedInAsync(email);

        (await PortalHttp.SignOutAsync(laptop)).Dispose();

        await AssertEndedAsync(phoneCookie);
        laptop.Dispose();
        phone.Dispose();
    }

    [Fact]
    public async Task PlatformRoleChange_EndsTheAccountsSessions()
    {
        const string email = "promoted@portal.test";
        var id = await factory.CreateUserAsync(email);
        var (client, cookie) = await SignedInAsync(email);

        (await factory.Services.GetRequiredService<UserAdminService>().ChangePlatformRoleAsync(await factory.AdminActorAsync(), id, PlatformRole.Viewer))
            .ShouldSucceed();

        await AssertEndedAsync(cookie);
        client.Dispose();
    }

    [Fact]
    public async Task Lock_EndsTheAccountsSessions()
    {
        const string email = "to-be-locked@portal.test";
        var id = await factory.CreateUserAsync(email);
        var (client, cookie) = await SignedInAsync(email);

        (await factory.Services.GetRequiredService<UserAdminService>().LockAsync(await factory.AdminActorAsync(), id)).ShouldSucceed();

        await AssertEndedAsync(cookie);
        client.Dispose();
    }

    [Fact]
    public async Task PasswordChangeElsewhere_EndsTheOtherSessions()
    {
        const string email = "changes-password@portal.test";
        var id = await factory.CreateUserAsync(email);
        var (other, otherCookie) = await SignedInAsync(email);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PortalUser>>();
            var user = (await users.FindByIdAsync(id))!;
            Assert.True((await users.ChangePasswordAsync(user, PortalWebFactory.DefaultUserPassword, "a-brand-new-staple-phrase")).Succeeded);
        }

        await AssertEndedAsync(otherCookie);
        other.Dispose();
    }

    private async Task<(HttpClient Client, string Cookie)> SignedInAsync(string email)
    {
        var client = factory.CreatePortalClient();
        using var signIn = await PortalHttp.SignInAsync(client, email, PortalWebFactory.DefaultUserPassword);
        var cookie = PortalHttp.SetCookieHeader(signIn, PortalHttp.AuthCookieName) ?? throw new InvalidOperationException($"{email} was not signed in.");
        return (client, cookie.Split(';')[0]);
    }

    /// <summary>The captured cookie, replayed from a fresh client as an attacker would.</summary>
    private async Task<HttpResponseMessage> ReplayAsync(string cookie)
    {
        using var client = factory.CreatePortalClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private async Task AssertWorksAsync(string cookie)
    {
        using var response = await ReplayAsync(cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task AssertEndedAsync(string cookie)
    {
        using var response = await ReplayAsync(cookie);
        PortalHttp.AssertRedirect(response, PortalHttp.LoginPath);
    }
}

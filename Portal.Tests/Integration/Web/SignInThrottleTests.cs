using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Tenancy;
using Portal.Identity;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Web;

/// <summary>
/// Wrong passwords throttle instead of locking: an attacker elsewhere cannot lock anyone out, the answers do not tell
/// which emails exist, and every checked attempt is audited.
/// </summary>
public sealed class SignInThrottleTests(ClientAddressFactory factory) : IClassFixture<ClientAddressFactory>
{
    [Fact]
    public async Task SignIn_ManyWrongPasswordsFromAnotherAddress_DoNotStopTheOwnerOfTheAccount()
    {
        const string email = "owner@portal.test";
        await factory.CreateUserAsync(email);
        using var attacker = factory.CreateClientAt("203.0.113.10");
        for (var attempt = 0; attempt < Limits.MaxFailedSignIns + 3; attempt++)
            (await PortalHttp.SignInAsync(attacker, email, $"guess-number-{attempt}")).Dispose();

        using var owner = factory.CreateClientAt("198.51.100.20");

        await PortalHttp.SignInOrFailAsync(owner, email, PortalWebFactory.DefaultUserPassword);
    }

    [Fact]
    public async Task SignIn_BootstrapAdminAttackedFromAnotherAddress_StillSignsIn()
    {
        using var attacker = factory.CreateClientAt("203.0.113.11");
        for (var attempt = 0; attempt < Limits.MaxFailedSignIns * 2; attempt++)
            (await PortalHttp.SignInAsync(attacker, PortalWebFactory.AdminEmail, $"guess-number-{attempt}")).Dispose();

        using var operatorClient = factory.CreateClientAt("198.51.100.21");

        await PortalHttp.SignInOrFailAsync(operatorClient, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
    }

    [Fact]
    public async Task SignIn_TooManyFailuresForOneEmailFromOneAddress_WaitsThereEvenWithTheRightPassword()
    {
        const string email = "throttled@portal.test";
        await factory.CreateUserAsync(email);
        using var client = factory.CreateClientAt("203.0.113.12");
        for (var attempt = 0; attempt < Limits.MaxFailedSignIns; attempt++)
        {
            using var wrong = await PortalHttp.SignInAsync(client, email, $"guess-number-{attempt}");
            Assert.Equal(LocalSignIn.WrongCredentials, PortalHttp.FormError(await wrong.Content.ReadAsStringAsync()));
        }

        using var right = await PortalHttp.SignInAsync(client, email, PortalWebFactory.DefaultUserPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.False(PortalHttp.SetsCookie(right, PortalHttp.AuthCookieName), "A throttled attempt was signed in.");
        Assert.StartsWith("Too many failed sign-ins for this email. Try again in ", PortalHttp.FormError(await right.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task SignIn_UnknownAndKnownEmails_GetTheSameAnswersAttemptForAttempt()
    {
        const string known = "exists@portal.test";
        await factory.CreateUserAsync(known);
        using var first = factory.CreateClientAt("203.0.113.13");
        using var second = factory.CreateClientAt("203.0.113.14");

        for (var attempt = 0; attempt <= Limits.MaxFailedSignIns; attempt++)
        {
            using var forKnown = await PortalHttp.SignInAsync(first, known, $"guess-number-{attempt}");
            using var forUnknown = await PortalHttp.SignInAsync(second, "nobody-here@portal.test", $"guess-number-{attempt}");

            Assert.Equal(forKnown.StatusCode, forUnknown.StatusCode);
            Assert.Equal(PortalHttp.FormError(await forKnown.Content.ReadAsStringAsync()),
                PortalHttp.FormError(await forUnknown.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task SignIn_UnknownEmail_VerifiesAPasswordHashLikeAKnownOne()
    {
        // The answer's timing: an unknown email costs one (deliberately slow) hash verification, as a known one does.
        var hasher = (CountingHasher)factory.Services.GetRequiredService<IPasswordHasher<PortalUser>>();
        using var client = factory.CreateClientAt("203.0.113.15");
        await factory.CreateUserAsync("timing@portal.test");

        var before = hasher.Verifications;
        (await PortalHttp.SignInAsync(client, "timing@portal.test", "not-the-password")).Dispose();
        var forKnown = hasher.Verifications - before;
        before = hasher.Verifications;
        (await PortalHttp.SignInAsync(client, "no-such-person@portal.test", "not-the-password")).Dispose();
        var forUnknown = hasher.Verifications - before;

        Assert.Equal(1, forKnown);
        Assert.Equal(forKnown, forUnknown);
    }

    [Fact]
    public async Task SignIn_ManyAttemptsFromOneAddress_AreRefusedWithTooManyRequests()
    {
        using var client = factory.CreateClientAt("203.0.113.16");
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt <= Limits.SignInAttemptsPerAddressPerMinute; attempt++)
        {
            using var response = await PortalHttp.SignInAsync(client, $"someone-{attempt}@portal.test", "not-the-password");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                Assert.StartsWith("Too many sign-in attempts from your network address.", PortalHttp.FormError(await response.Content.ReadAsStringAsync()));
        }

        Assert.All(statuses.Take(Limits.SignInAttemptsPerAddressPerMinute), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task SignIn_LockedAccount_SaysSoOnlyToWhoeverKnowsItsPassword()
    {
        const string email = "locked@portal.test";
        var id = await factory.CreateUserAsync(email);
        (await factory.Services.GetRequiredService<UserAdminService>().LockAsync(await factory.AdminActorAsync(), id)).ShouldSucceed();
        using var client = factory.CreateClientAt("203.0.113.17");

        using var wrong = await PortalHttp.SignInAsync(client, email, "not-the-password");
        using var right = await PortalHttp.SignInAsync(client, email, PortalWebFactory.DefaultUserPassword);

        Assert.Equal(LocalSignIn.WrongCredentials, PortalHttp.FormError(await wrong.Content.ReadAsStringAsync()));
        Assert.Equal(LocalSignIn.AccountLocked, PortalHttp.FormError(await right.Content.ReadAsStringAsync()));
        Assert.False(PortalHttp.SetsCookie(right, PortalHttp.AuthCookieName));
    }

    [Fact]
    public async Task SignIn_EachCheckedAttempt_IsAuditedWithoutThePassword()
    {
        const string email = "audited@portal.test";
        await factory.CreateUserAsync(email);
        using var client = factory.CreateClientAt("203.0.113.18");

        (await PortalHttp.SignInAsync(client, email, "wrong-secret-typed-here")).Dispose();
        (await PortalHttp.SignInAsync(client, "ghost@portal.test", "wrong-secret-typed-here")).Dispose();
        await PortalHttp.SignInOrFailAsync(client, email, PortalWebFactory.DefaultUserPassword);

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "account.sign-in"
            && (a.TargetName == email || a.TargetName == "ghost@portal.test")).ToListAsync();
        Assert.Equal(3, entries.Count);
        Assert.Equal(2, entries.Count(e => e.Outcome == AuditOutcome.Refused));
        Assert.Single(entries, e => e.Outcome == AuditOutcome.Succeeded && e.TargetName == email);
        Assert.Single(entries, e => e.TargetName == "ghost@portal.test" && e.ActorId == "anonymous");
        Assert.All(entries, e => Assert.Contains("203.0.113.18", e.Parameters));
        Assert.DoesNotContain(entries, e => (e.Parameters + e.Reason).Contains("wrong-secret-typed-here"));
    }
}

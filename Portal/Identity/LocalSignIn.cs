using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Tenancy;

namespace Portal.Identity;

/// <summary>What the sign-in page shows after an attempt; <see cref="Status"/> is the page's HTTP status.</summary>
public sealed record SignInAnswer(bool Succeeded, string? Error = null, int Status = StatusCodes.Status200OK);

/// <summary>
/// Sign-in with a local account, written so that the answer tells an attacker nothing: unknown emails, directory-only
/// accounts and wrong passwords get the same words after the same work (a password hash is verified every time), a
/// locked account says so only to someone who knows its password, and wrong passwords throttle rather than lock (see
/// <see cref="SignInThrottle"/>). Every attempt is audited as <c>account.sign-in</c>, without the password.
/// </summary>
public sealed class LocalSignIn(SignInThrottle throttle, IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit,
    IPasswordHasher<PortalUser> hasher, ILogger<LocalSignIn> logger)
{
    public const string WrongCredentials = "The email or password is not correct.";
    public const string AccountLocked = "This account is locked. Ask a platform admin to unlock it.";

    // Verified against when there is no password to check, so every answer costs one hash verification; made once per
    // process (a hash is deliberately slow).
    private static string? s_decoyHash;

    public async Task<SignInAnswer> SignInAsync(HttpContext http, SignInManager<PortalUser> signIn, string email, string password, bool remember)
    {
        email = email.Trim();
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.TryBegin(address, email) is { } wait)
        {
            // Logged, not audited: throttled attempts cost nothing and may come in floods; checked ones are audited.
            logger.LogWarning("Sign-in throttled ({Reason}) for {Address}", wait.Reason, address);
            return new SignInAnswer(false, WaitMessage(wait), StatusCodes.Status429TooManyRequests);
        }

        var users = signIn.UserManager;
        var user = email.Length <= Limits.EmailMaxLength ? await users.FindByEmailAsync(email) : null;
        var passwordOk = user is not null && await users.HasPasswordAsync(user)
            ? await users.CheckPasswordAsync(user, password)
            : Decoy(password);
        if (!passwordOk)
        {
            throttle.Failed(address, email);
            logger.LogWarning("Sign-in failed for {Address}", address);
            await AuditAsync(user, email, address, "Wrong email or password");
            return new SignInAnswer(false, WrongCredentials);
        }

        if (await users.IsLockedOutAsync(user!))
        {
            logger.LogWarning("Sign-in refused: account {UserId} is locked", user!.Id);
            await AuditAsync(user, email, address, "Account locked");
            return new SignInAnswer(false, AccountLocked);
        }

        await signIn.SignInAsync(user!, remember);
        logger.LogInformation("Sign-in succeeded for {UserId} from {Address}", user!.Id, address);
        await AuditAsync(user, email, address, null);
        return new SignInAnswer(true);
    }

    private bool Decoy(string password)
    {
        s_decoyHash ??= hasher.HashPassword(new PortalUser(), Guid.NewGuid().ToString());
        hasher.VerifyHashedPassword(new PortalUser(), s_decoyHash, password);
        return false;
    }

    internal static string WaitMessage(SignInWait wait)
    {
        var after = wait.RetryAfter < TimeSpan.FromMinutes(1)
            ? $"{Math.Max(1, (int)Math.Ceiling(wait.RetryAfter.TotalSeconds))} seconds"
            : $"{(int)Math.Ceiling(wait.RetryAfter.TotalMinutes)} minutes";
        return wait.Reason == SignInWaitReason.Address
            ? $"Too many sign-in attempts from your network address. Try again in {after}."
            : $"Too many failed sign-ins for this email. Try again in {after}.";
    }

    private async Task AuditAsync(PortalUser? user, string email, string address, string? refusal)
    {
        var actor = user is null
            ? new Actor("anonymous", "Anonymous", PlatformRole.None)
            : new Actor(user.Id, user.DisplayName, user.PlatformRole);
        var subject = new AuditSubject("account.sign-in", "Account", user?.Id,
            email.Length > Limits.EmailMaxLength ? email[..Limits.EmailMaxLength] : email, new { address });
        await using var db = await dbFactory.CreateDbContextAsync();
        if (refusal is null)
        {
            audit.AddSuccess(db, actor, subject);
            await db.SaveChangesAsync();
        }
        else
        {
            await audit.RecordRefusalAsync(db, actor, subject, Refusal.Invalid(Fields.Password, refusal), CancellationToken.None);
        }
    }
}

using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Identity;

/// <summary>A user account; <see cref="FromDirectory"/> accounts sign in with Keycloak, which also sets their platform role.</summary>
public sealed record UserRow(string Id, string Email, string DisplayName, PlatformRole PlatformRole, bool LockedOut, int TenantCount, bool FromDirectory = false)
{
    /// <summary>Why the platform role cannot be changed now (null: it can), from <see cref="PlatformRoleRules.WhyNotStopBeingAdmin"/>.</summary>
    public string? WhyNotChangeRole { get; init; }
}

/// <summary>The platform-role rule, in one place for the command and the users list.</summary>
public static class PlatformRoleRules
{
    /// <summary>
    /// The portal keeps at least one platform admin: the last one cannot be demoted (every other role is a demotion).
    /// <paramref name="admins"/> counts every platform admin, this one included.
    /// </summary>
    public static string? WhyNotStopBeingAdmin(PlatformRole role, int admins, string email) =>
        role == PlatformRole.Admin && admins <= 1 ? $"{email} is the last platform admin. Make someone else a platform admin first." : null;
}

/// <summary>Local accounts, managed by platform admins. Each call runs in its own DI scope (UserManager is scoped).</summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<Page<UserRow>>> ListUsersAsync(Actor actor, PageRequest page, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var query = db.Users.AsNoTracking();
        if (page.SearchPattern is { } pattern)
            query = query.Where(u => EF.Functions.Like(u.Email!.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(u.DisplayName.ToUpper(), pattern, TextSearch.Escape));
        var total = await query.CountAsync(ct);
        var now = clock.GetUtcNow();
        var rows = await query.OrderBy(u => u.Email).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(u => new
            {
                u.Id, u.Email, u.DisplayName, u.PlatformRole, u.LockoutEnd,
                // One tenant may be granted both locally and by Keycloak: count tenants, not membership rows.
                Tenants = db.Memberships.Where(m => m.UserId == u.Id).Select(m => m.TenantId).Distinct().Count(),
                FromDirectory = db.UserLogins.Any(l => l.UserId == u.Id && l.LoginProvider == DirectorySignInService.LoginProvider),
            })
            .ToListAsync(ct);
        var admins = await db.Users.CountAsync(u => u.PlatformRole == PlatformRole.Admin, ct);
        return new Page<UserRow>(rows.Select(u => new UserRow(u.Id, u.Email ?? "", u.DisplayName, u.PlatformRole,
            u.LockoutEnd is { } end && end > now, u.Tenants, u.FromDirectory)
        {
            WhyNotChangeRole = PlatformRoleRules.WhyNotStopBeingAdmin(u.PlatformRole, admins, u.Email ?? ""),
        }).ToList(), total);
    }

    public async Task<Result<string>> CreateUserAsync(Actor actor, string? email, string? displayName, string? password,
        PlatformRole platformRole, CancellationToken ct = default)
    {
        var subject = new AuditSubject("user.create", "User", null, email?.Trim() ?? "",
            new { email, displayName, platformRole = platformRole.ToString() }); // the password is never recorded
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        var validated = await ValidateNewUserAsync(actor, users, email, displayName, password, platformRole);
        if (!validated.Succeeded)
        {
            await audit.RecordRefusalAsync(db, actor, subject, validated.Refusal!, ct);
            return validated.Refusal!;
        }

        var user = validated.Value!;
        var created = await users.CreateAsync(user, password!);
        if (!created.Succeeded)
        {
            var refusal = ToRefusal(created);
            await audit.RecordRefusalAsync(db, actor, subject, refusal, ct);
            return refusal;
        }

        audit.AddSuccess(db, actor, subject with { TargetId = user.Id });
        await db.SaveChangesAsync(ct);
        return user.Id;
    }

    public async Task<Result> ChangePlatformRoleAsync(Actor actor, string userId, PlatformRole role, CancellationToken ct = default)
    {
        var subject = new AuditSubject("user.change-platform-role", "User", userId, "", new { role = role.ToString() });
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        Refusal? refusal;
        PortalUser? user;
        // "At least one platform admin" spans rows no constraint can hold: check and save in one serialized write
        // transaction (IMMEDIATE on SQLite, an advisory lock on PostgreSQL) so two admins demoting each other run one
        // after the other.
        await using (var transaction = await CommandRunner.BeginSerializedAsync(db, ct))
        {
            user = await users.FindByIdAsync(userId);
            refusal = actor.WhyNotWrite(); // a read-only API token changes nothing
            refusal ??= !actor.IsPlatformAdmin ? Refusal.Forbidden("Only platform admins can change platform roles.")
                : user is null ? Refusal.NotFound("The user")
                : !Enum.IsDefined(role) ? Refusal.Invalid(Fields.Role, "Choose a platform role.")
                : role != PlatformRole.Admin && PlatformRoleRules.WhyNotStopBeingAdmin(user.PlatformRole,
                    await db.Users.CountAsync(u => u.PlatformRole == PlatformRole.Admin, ct), user.Email ?? "") is { } lastAdmin
                    ? Refusal.Conflict(lastAdmin)
                    : null;

            if (refusal is null)
            {
                user!.PlatformRole = role;
                var updated = await users.UpdateAsync(user);
                // A new security stamp makes existing sign-ins re-read the role at their next validation.
                if (updated.Succeeded) updated = await users.UpdateSecurityStampAsync(user);
                if (updated.Succeeded)
                {
                    audit.AddSuccess(db, actor, subject with { TargetName = user.Email ?? "" });
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    return Result.Ok();
                }
                refusal = updated.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure))
                    ? Refusal.Concurrency($"The account {user.Email}")
                    : ToRefusal(updated);
            }
        }

        await audit.RecordRefusalAsync(db, actor, subject with { TargetName = user?.Email ?? "" }, refusal, ct);
        return refusal;
    }

    /// <summary>
    /// Locks an account until a platform admin unlocks it, and ends its sessions everywhere (a new security stamp).
    /// Refused for one's own account and for the last platform admin who can still sign in; serialized with role changes
    /// and other locks so two admins cannot lock each other out at the same moment.
    /// </summary>
    public async Task<Result> LockAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("user.lock", "User", userId, "");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Refusal? refusal;
        PortalUser? user;
        await using (var transaction = await CommandRunner.BeginSerializedAsync(db, ct))
        {
            user = await users.FindByIdAsync(userId);
            var now = clock.GetUtcNow();
            refusal = actor.WhyNotWrite() ?? (!actor.IsPlatformAdmin ? Refusal.Forbidden("Only platform admins can lock accounts.")
                : user is null ? Refusal.NotFound("The user")
                : user.Id == actor.UserId ? Refusal.Conflict("You cannot lock your own account.")
                // Lockout ends compared here: SQLite cannot compare stored date-time offsets.
                : user.PlatformRole == PlatformRole.Admin && !(await db.Users
                    .Where(u => u.PlatformRole == PlatformRole.Admin && u.Id != user.Id).Select(u => u.LockoutEnd).ToListAsync(ct))
                    .Any(end => end is null || end <= now)
                    ? Refusal.Conflict($"{user.Email} is the last platform admin who can sign in; it cannot be locked.")
                : null);
            if (refusal is null)
            {
                var locked = await users.SetLockoutEnabledAsync(user!, true);
                if (locked.Succeeded) locked = await users.SetLockoutEndDateAsync(user!, DateTimeOffset.MaxValue);
                if (locked.Succeeded) locked = await users.UpdateSecurityStampAsync(user!);
                if (locked.Succeeded)
                {
                    audit.AddSuccess(db, actor, subject with { TargetName = user!.Email ?? "" });
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    return Result.Ok();
                }
                refusal = ToRefusal(locked);
            }
        }
        await audit.RecordRefusalAsync(db, actor, subject with { TargetName = user?.Email ?? "" }, refusal, ct);
        return refusal;
    }

    public async Task<Result> UnlockAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("user.unlock", "User", userId, "");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        Refusal? refusal = actor.WhyNotWrite() ?? (!actor.IsPlatformAdmin ? Refusal.Forbidden("Only platform admins can unlock accounts.")
            : user is null ? Refusal.NotFound("The user") : null);
        if (refusal is not null)
        {
            await audit.RecordRefusalAsync(db, actor, subject, refusal, ct);
            return refusal;
        }

        var unlocked = await users.SetLockoutEndDateAsync(user!, null);
        if (unlocked.Succeeded) unlocked = await users.ResetAccessFailedCountAsync(user!);
        if (!unlocked.Succeeded)
        {
            var failed = ToRefusal(unlocked);
            await audit.RecordRefusalAsync(db, actor, subject with { TargetName = user!.Email ?? "" }, failed, ct);
            return failed;
        }
        audit.AddSuccess(db, actor, subject with { TargetName = user!.Email ?? "" });
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }

    private async Task<Result<PortalUser>> ValidateNewUserAsync(Actor actor, UserManager<PortalUser> users, string? email,
        string? displayName, string? password, PlatformRole platformRole)
    {
        if (actor.WhyNotWrite() is { } readOnly) return readOnly; // a read-only API token changes nothing
        if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can create accounts.");
        var address = email?.Trim() ?? "";
        if (address.Length == 0) return Refusal.Invalid(Fields.Email, "Email is required.");
        if (address.Length > Limits.EmailMaxLength || !MailAddress.TryCreate(address, out var parsed) || parsed.Address != address)
            return Refusal.Invalid(Fields.Email, $"'{address}' is not a valid email address.");
        var name = NameRules.Name(string.IsNullOrWhiteSpace(displayName) ? address : displayName, Fields.DisplayName, "Display name", Limits.DisplayNameMaxLength);
        if (!name.Succeeded) return name.Refusal!;
        if (!Enum.IsDefined(platformRole)) return Refusal.Invalid(Fields.PlatformRole, "Choose a platform role.");
        if (string.IsNullOrEmpty(password)) return Refusal.Invalid(Fields.Password, "Password is required.");
        if (await users.FindByEmailAsync(address) is not null)
            return Refusal.Conflict($"An account with the email '{address}' already exists.", Fields.Email);
        return new PortalUser
        {
            UserName = address,
            Email = address,
            EmailConfirmed = true,
            DisplayName = name.Value!,
            PlatformRole = platformRole,
            CreatedAt = clock.GetUtcNow(),
        };
    }

    internal static Refusal ToRefusal(IdentityResult result)
    {
        var error = result.Errors.First();
        FieldKey? field = error.Code.StartsWith("Password", StringComparison.Ordinal) ? Fields.Password
            : error.Code.Contains("Email", StringComparison.Ordinal) || error.Code.Contains("UserName", StringComparison.Ordinal) ? Fields.Email
            : null;
        var message = string.Join(" ", result.Errors.Select(e => e.Description));
        return field is { } key ? Refusal.Invalid(key, message) : Refusal.Conflict(message);
    }
}

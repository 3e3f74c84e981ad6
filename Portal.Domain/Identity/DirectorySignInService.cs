using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Identity;

/// <summary>The local account a directory sign-in resolved to, and what it may now do.</summary>
public sealed record DirectorySignInResult(
    string UserId,
    bool Created,
    PlatformRole PlatformRole,
    IReadOnlyList<DirectoryTenantGrant> Tenants,
    IReadOnlyList<string> UnmatchedGroups)
{
    /// <summary>Nothing mapped: no tenant (directory or local) and no platform role.</summary>
    public bool HasNoAccess { get; init; }
}

/// <summary>A directory group that names a tenant that does not exist, for the platform admins' report.</summary>
public sealed record UnmatchedGroupRow(string Group, string TenantSlug, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, string LastSeenBy, int TimesSeen);

/// <summary>
/// Turns a validated directory (Keycloak) profile into a local account: finds it by the provider's subject (never by
/// email), creates it on first sign-in, and re-evaluates its platform role and its directory memberships at every
/// sign-in. Memberships granted locally are never touched. Everything runs in one write transaction, so a refused or
/// failed sign-in leaves no account and no half-applied grants; every change is audited.
/// </summary>
public sealed class DirectorySignInService(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock, ILogger<DirectorySignInService> logger)
{
    /// <summary>The login provider name stored in AspNetUserLogins.</summary>
    public const string LoginProvider = "Keycloak";

    public async Task<Result<DirectorySignInResult>> SignInAsync(DirectoryProfile profile, DirectoryMappingOptions options, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var now = clock.GetUtcNow();
        var access = DirectoryMapping.Map(profile, options);

        Refusal? refusal;
        await using (var transaction = await CommandRunner.BeginSerializedAsync(db, ct))
        {
            var user = await users.FindByLoginAsync(LoginProvider, profile.Subject);
            var created = false;
            if (user is null)
            {
                var creation = await CreateAccountAsync(db, users, profile, now);
                refusal = creation.Refusal;
                user = creation.Value;
                created = user is not null;
            }
            else
            {
                refusal = await users.IsLockedOutAsync(user)
                    ? Refusal.Forbidden($"The Portal account {user.Email} is locked. Ask a platform admin to unlock it.")
                    : await UpdateProfileAsync(db, users, user, profile);
            }

            if (refusal is null)
            {
                var actor = new Actor(user!.Id, user.DisplayName, user.PlatformRole);
                var roleChanged = ApplyPlatformRole(db, actor, user, access.PlatformRole);
                var unmatched = await SyncMembershipsAsync(db, actor, user, profile, access, now, ct);
                var updated = await users.UpdateAsync(user);
                // A new security stamp makes the person's other sessions pick up the new platform role within a minute.
                if (updated.Succeeded && roleChanged) updated = await users.UpdateSecurityStampAsync(user);
                if (!updated.Succeeded)
                {
                    refusal = UserAdminService.ToRefusal(updated);
                }
                else
                {
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    var hasLocal = await db.Memberships.AnyAsync(m => m.UserId == user.Id && m.Source == MembershipSource.Local, ct);
                    var granted = access.Tenants.Where(t => !unmatched.Contains(t.TenantSlug)).ToList();
                    return new DirectorySignInResult(user.Id, created, user.PlatformRole, granted,
                        access.Tenants.Where(t => unmatched.Contains(t.TenantSlug)).SelectMany(t => t.Groups).ToList())
                    {
                        HasNoAccess = granted.Count == 0 && !hasLocal && user.PlatformRole == PlatformRole.None,
                    };
                }
            }
        }

        // Nothing was saved (the transaction rolled back); record the refusal on its own.
        var who = new Actor($"{LoginProvider}:{profile.Subject}", profile.Label, PlatformRole.None);
        await audit.RecordRefusalAsync(db, who, new AuditSubject("user.directory-sign-in", "User", null, profile.Label,
            new { source = LoginProvider, subject = profile.Subject, username = profile.Username, email = profile.Email }), refusal, ct);
        return refusal;
    }

    /// <summary>Directory groups that name no existing tenant, most recently seen first (platform readers only).</summary>
    public async Task<Result<IReadOnlyList<UnmatchedGroupRow>>> ListUnmatchedGroupsAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        // A tenant created since then matches at its members' next sign-in; hide the row already.
        var rows = await db.UnmatchedDirectoryGroups.AsNoTracking()
            .Where(g => !db.Tenants.Any(t => t.Slug == g.TenantSlug))
            .Select(g => new UnmatchedGroupRow(g.Group, g.TenantSlug, g.FirstSeenAt, g.LastSeenAt, g.LastSeenBy, g.TimesSeen))
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.LastSeenAt).ToList();
    }

    private async Task<Result<PortalUser>> CreateAccountAsync(PortalDbContext db, UserManager<PortalUser> users, DirectoryProfile profile, DateTimeOffset now)
    {
        var email = profile.Email?.Trim() ?? "";
        if (email.Length == 0)
            return Refusal.Invalid(Fields.Email, "Keycloak sent no email address for this account, and Portal needs one. Ask your Keycloak administrator to set it.");
        if (email.Length > Limits.EmailMaxLength || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
            return Refusal.Invalid(Fields.Email, $"Keycloak sent '{email}' as the email address, which is not a valid address.");
        // Never link by email: an address is not proof that the directory's person owns the local account.
        if (await users.FindByEmailAsync(email) is { } existing)
        {
            logger.LogWarning("Keycloak sign-in refused: a local account ({UserId}) already uses the email of directory subject {Subject}", existing.Id, profile.Subject);
            return Refusal.Conflict($"A Portal account with the email {email} already exists and is not linked to Keycloak. " +
                "Portal never links accounts by email address; ask a platform admin to remove or rename the local account.");
        }

        var name = NameRules.Name(profile.DisplayName, Fields.DisplayName, "Display name", Limits.DisplayNameMaxLength);
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = profile.EmailVerified,
            DisplayName = name.Succeeded ? name.Value! : email,
            PlatformRole = PlatformRole.None,
            CreatedAt = now,
        };
        var created = await users.CreateAsync(user);
        if (created.Succeeded) created = await users.AddLoginAsync(user, new UserLoginInfo(LoginProvider, profile.Subject, LoginProvider));
        if (!created.Succeeded) return UserAdminService.ToRefusal(created);

        audit.AddSuccess(db, new Actor(user.Id, user.DisplayName, PlatformRole.None), new AuditSubject("user.create", "User", user.Id, email,
            new { source = LoginProvider, subject = profile.Subject, username = profile.Username, email }));
        return user;
    }

    private async Task<Refusal?> UpdateProfileAsync(PortalDbContext db, UserManager<PortalUser> users, PortalUser user, DirectoryProfile profile)
    {
        var changes = new Dictionary<string, string>();
        var name = NameRules.Name(profile.DisplayName, Fields.DisplayName, "Display name", Limits.DisplayNameMaxLength);
        if (name.Succeeded && name.Value != user.DisplayName)
        {
            changes["displayName"] = name.Value!;
            user.DisplayName = name.Value!;
        }

        var email = profile.Email?.Trim();
        if (!string.IsNullOrEmpty(email) && !string.Equals(email, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            // The directory's address moved. Keep the old one when another account already holds the new one.
            if (await users.FindByEmailAsync(email) is null && MailAddress.TryCreate(email, out _))
            {
                user.Email = email;
                user.UserName = email;
                user.EmailConfirmed = profile.EmailVerified;
                changes["email"] = email;
            }
            else
            {
                logger.LogWarning("Keycloak sign-in of {UserId}: the directory's new email is used by another account; keeping the old one", user.Id);
            }
        }

        if (changes.Count > 0)
        {
            await users.UpdateNormalizedEmailAsync(user);
            await users.UpdateNormalizedUserNameAsync(user);
            audit.AddSuccess(db, new Actor(user.Id, user.DisplayName, user.PlatformRole),
                new AuditSubject("user.directory-profile", "User", user.Id, user.Email ?? "", new { source = LoginProvider, changes }));
        }
        return null;
    }

    private bool ApplyPlatformRole(PortalDbContext db, Actor actor, PortalUser user, PlatformRole role)
    {
        if (user.PlatformRole == role) return false;
        var from = user.PlatformRole;
        user.PlatformRole = role;
        audit.AddSuccess(db, actor, new AuditSubject("user.change-platform-role", "User", user.Id, user.Email ?? "",
            new { source = LoginProvider, from = from.ToString(), role = role.ToString() }));
        logger.LogInformation("Keycloak sign-in changed the platform role of {UserId} from {From} to {To}", user.Id, from, role);
        return true;
    }

    /// <summary>Brings the user's directory memberships in line with the profile's groups; returns the slugs that name no tenant.</summary>
    private async Task<HashSet<string>> SyncMembershipsAsync(PortalDbContext db, Actor actor, PortalUser user, DirectoryProfile profile,
        DirectoryAccess access, DateTimeOffset now, CancellationToken ct)
    {
        var slugs = access.Tenants.Select(t => t.TenantSlug).ToList();
        var tenants = await db.Tenants.Where(t => slugs.Contains(t.Slug)).ToDictionaryAsync(t => t.Slug, ct);
        var current = await db.Memberships.Include(m => m.Tenant)
            .Where(m => m.UserId == user.Id && m.Source == MembershipSource.Directory)
            .ToListAsync(ct);

        var unmatched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var grant in access.Tenants)
        {
            if (!tenants.TryGetValue(grant.TenantSlug, out var tenant))
            {
                unmatched.Add(grant.TenantSlug);
                continue;
            }
            var parameters = new { source = LoginProvider, tenant = tenant.Slug, role = grant.Role.ToString(), groups = grant.Groups };
            var existing = current.FirstOrDefault(m => m.TenantId == tenant.Id);
            if (existing is null)
            {
                var membership = new TenantMembership(tenant.Id, user.Id, grant.Role, now, MembershipSource.Directory);
                db.Memberships.Add(membership);
                audit.AddSuccess(db, actor, new AuditSubject("member.directory-add", "Membership", membership.Id.ToString(), $"{user.Email} in {tenant.Name}", parameters));
            }
            else if (existing.Role != grant.Role)
            {
                existing.ChangeRole(grant.Role);
                audit.AddSuccess(db, actor, new AuditSubject("member.directory-change-role", "Membership", existing.Id.ToString(), $"{user.Email} in {tenant.Name}", parameters));
            }
        }

        foreach (var stale in current.Where(m => !access.Tenants.Any(t => t.TenantSlug == m.Tenant!.Slug)))
        {
            db.Memberships.Remove(stale);
            audit.AddSuccess(db, actor, new AuditSubject("member.directory-remove", "Membership", stale.Id.ToString(), $"{user.Email} in {stale.Tenant!.Name}",
                new { source = LoginProvider, tenant = stale.Tenant.Slug, role = stale.Role.ToString() }));
        }

        foreach (var grant in access.Tenants.Where(t => unmatched.Contains(t.TenantSlug)))
        {
            foreach (var group in grant.Groups)
            {
                var row = await db.UnmatchedDirectoryGroups.SingleOrDefaultAsync(g => g.Group == group, ct);
                if (row is null)
                {
                    row = new UnmatchedDirectoryGroup(group, grant.TenantSlug, now);
                    db.UnmatchedDirectoryGroups.Add(row);
                }
                row.Seen(profile.Label, now);
            }
            logger.LogWarning("Keycloak groups {Groups} of {Username} name tenant '{Slug}', which does not exist; they grant nothing",
                grant.Groups, profile.Label, grant.TenantSlug);
        }
        return unmatched;
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Api;

/// <summary>One token as its owner (or a tenant admin, for a service account's) sees it. Never the token itself.</summary>
public sealed record ApiTokenRow(Guid Id, string Name, string Prefix, ApiScope Scope, IReadOnlyList<Guid> TenantIds,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, Guid? ServiceAccountId)
{
    /// <summary>Whether the token still authenticates at <paramref name="now"/>.</summary>
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}

/// <summary>A token just created: <see cref="PlainText"/> is shown to the person once and is nowhere else afterwards.</summary>
public sealed record CreatedApiToken(string PlainText, ApiTokenRow Token);

public sealed record ServiceAccountRow(Guid Id, Guid TenantId, Guid ProjectId, string ProjectName, string Name, string Description,
    DateTimeOffset CreatedAt, int LiveTokens);

/// <summary>Why a presented token did not authenticate. Deliberately coarse: nothing tells a guesser more.</summary>
public enum ApiTokenFailure
{
    /// <summary>Not a token, or no token with that hash (never issued, deleted, or its owner is gone).</summary>
    Unknown,
    Revoked,
    Expired,
}

/// <summary>The outcome of authenticating a token: the actor to run the request as, or why not.</summary>
public sealed record ApiAuthentication(Actor? Actor, ApiTokenFailure? Failure)
{
    public bool Succeeded => Actor is not null;
}

/// <summary>
/// Personal access tokens, project service accounts and their tokens, and the check every API request goes through.
/// Tokens are managed by a person signed in to the portal (a token cannot mint or revoke tokens, so a leaked one cannot
/// extend itself). Every change is a command: audited, with typed refusals; the token's text never reaches the audit trail.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<PortalDbContext> dbFactory, CommandRunner commands, TimeProvider clock, ApiTokenOptions options)
{
    private const string TokenTarget = "ApiToken";
    private const string ServiceAccountTarget = "ServiceAccount";

    // ---- personal access tokens ----

    /// <summary>
    /// A token for the actor themselves. <paramref name="tenantIds"/> limits it to tenants the actor belongs to (empty:
    /// every tenant the actor may access, platform role included).
    /// </summary>
    public Task<Result<CreatedApiToken>> CreatePersonalTokenAsync(Actor actor, string? name, DateTimeOffset expiresAt, ApiScope scope,
        IReadOnlyCollection<Guid> tenantIds, CancellationToken ct = default)
    {
        var parameters = new { name, expiresAt, scope = scope.ToString(), tenantIds };
        return commands.RunAsync<CreatedApiToken>(actor, new AuditSubject("api-token.create", TokenTarget, null, name?.Trim() ?? "", parameters), async db =>
        {
            if (WhyNotManageTokens(actor) is { } refusal) return refusal;
            if (!await db.Users.AnyAsync(u => u.Id == actor.UserId, ct)) return Refusal.Forbidden("Only people with an account can create personal tokens.");
            if (tenantIds.Count > 0)
            {
                var wanted = tenantIds.Distinct().ToList();
                var mine = await TenantAccess.TenantIdsWithRole(db, actor).Where(id => wanted.Contains(id)).Distinct().CountAsync(ct);
                if (mine != wanted.Count)
                    return Refusal.Invalid(Fields.Tenants, "Limit the token to tenants you are a member of.");
            }
            return await IssueAsync(db, actor, actor.UserId, null, name, expiresAt, scope, tenantIds, ct);
        }, created => new AuditSubject("api-token.create", TokenTarget, created.Token.Id.ToString(), created.Token.Name, parameters), ct);
    }

    /// <summary>The actor's own tokens, newest first, revoked and expired ones included (so "last used" stays visible).</summary>
    public async Task<IReadOnlyList<ApiTokenRow>> ListMineAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rows(db.ApiTokens.AsNoTracking().Where(t => t.UserId == actor.UserId), ct);
    }

    /// <summary>
    /// Ends a token for good. Its owner may, a platform admin may revoke any token, and a tenant admin may revoke the
    /// tokens of the tenant's service accounts. Anyone else learns nothing about the token, not even that it exists.
    /// </summary>
    public Task<Result> RevokeAsync(Actor actor, Guid tokenId, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("api-token.revoke", TokenTarget, tokenId.ToString(), ""), async db =>
        {
            if (WhyNotManageTokens(actor) is { } refusal) return refusal;
            var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId, ct);
            if (token is null || !await MayRevokeAsync(db, actor, token, ct)) return Refusal.NotFound("The API token");
            return token.Revoke(actor.UserId, clock.GetUtcNow());
        }, ct);

    // ---- service accounts ----

    /// <summary>A new service account in a project; tenant admins of its tenant and platform admins.</summary>
    public Task<Result<Guid>> CreateServiceAccountAsync(Actor actor, Guid projectId, string? name, string? description, CancellationToken ct = default)
    {
        var parameters = new { projectId, name, description };
        return commands.RunAsync<Guid>(actor, new AuditSubject("service-account.create", ServiceAccountTarget, null, name?.Trim() ?? "", parameters), async db =>
        {
            if (WhyNotManageTokens(actor) is { } refusal) return refusal;
            var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, ct);
            var access = project is null ? null : await TenantAccess.ForAsync(db, actor, project.TenantId, ct);
            if (project is null || access is not { CanRead: true }) return Refusal.Invalid(Fields.Project, "Choose a project.");
            if (!access.CanManage) return Refusal.Forbidden("Only tenant admins can create service accounts.");
            var created = ServiceAccount.Create(project.TenantId, project.Id, name, description, actor.UserId, clock.GetUtcNow());
            if (!created.Succeeded) return created.Refusal!;
            var account = created.Value!;
            if (await db.ServiceAccounts.Named(account.Name).AnyAsync(s => s.ProjectId == projectId, ct))
                return Refusal.Conflict($"Project '{project.Name}' already has a service account named '{account.Name}'.", Fields.Name);
            db.ServiceAccounts.Add(account);
            return account.Id;
        }, id => new AuditSubject("service-account.create", ServiceAccountTarget, id.ToString(), name?.Trim() ?? "", parameters), ct);
    }

    /// <summary>A tenant's service accounts; for those who manage the tenant.</summary>
    public async Task<Result<IReadOnlyList<ServiceAccountRow>>> ListServiceAccountsAsync(Actor actor, Guid tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await TenantAccess.ForAsync(db, actor, tenantId, ct);
        if (!access.CanRead) return Refusal.NotFound("The tenant");
        if (!access.CanManage) return Refusal.Forbidden("Only tenant admins can see the tenant's service accounts.");
        var now = clock.GetUtcNow();
        var rows = await db.ServiceAccounts.AsNoTracking().Where(s => s.TenantId == tenantId)
            .Join(db.Projects, s => s.ProjectId, p => p.Id, (s, p) => new { Account = s, ProjectName = p.Name })
            .OrderBy(x => x.ProjectName).ThenBy(x => x.Account.Name)
            .Select(x => new ServiceAccountRow(x.Account.Id, x.Account.TenantId, x.Account.ProjectId, x.ProjectName, x.Account.Name,
                x.Account.Description, x.Account.CreatedAt,
                db.ApiTokens.Count(t => t.ServiceAccountId == x.Account.Id && t.RevokedAt == null && t.ExpiresAt > now)))
            .ToListAsync(ct);
        return rows;
    }

    /// <summary>Deletes a service account; its tokens stop working at once (they are deleted with it).</summary>
    public Task<Result> DeleteServiceAccountAsync(Actor actor, Guid serviceAccountId, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("service-account.delete", ServiceAccountTarget, serviceAccountId.ToString(), ""), async db =>
        {
            if (WhyNotManageTokens(actor) is { } refusal) return refusal;
            var account = await db.ServiceAccounts.SingleOrDefaultAsync(s => s.Id == serviceAccountId, ct);
            if (await ManageableAsync(db, actor, account, ct) is { } notManageable) return notManageable;
            db.ServiceAccounts.Remove(account!);
            return Result.Ok();
        }, ct);

    /// <summary>A token for a service account; tenant admins of its tenant and platform admins. It reaches the account's tenant only.</summary>
    public Task<Result<CreatedApiToken>> CreateServiceAccountTokenAsync(Actor actor, Guid serviceAccountId, string? name, DateTimeOffset expiresAt,
        ApiScope scope, CancellationToken ct = default)
    {
        var parameters = new { serviceAccountId, name, expiresAt, scope = scope.ToString() };
        return commands.RunAsync<CreatedApiToken>(actor, new AuditSubject("api-token.create", TokenTarget, null, name?.Trim() ?? "", parameters), async db =>
        {
            if (WhyNotManageTokens(actor) is { } refusal) return refusal;
            var account = await db.ServiceAccounts.AsNoTracking().SingleOrDefaultAsync(s => s.Id == serviceAccountId, ct);
            if (await ManageableAsync(db, actor, account, ct) is { } notManageable) return notManageable;
            // No tenant limit is stored: the account is a member of one tenant, and TenantAccess confines it there.
            return await IssueAsync(db, actor, null, account!.Id, name, expiresAt, scope, [], ct);
        }, created => new AuditSubject("api-token.create", TokenTarget, created.Token.Id.ToString(), created.Token.Name, parameters), ct);
    }

    /// <summary>A service account's tokens, newest first; for those who manage its tenant.</summary>
    public async Task<Result<IReadOnlyList<ApiTokenRow>>> ListServiceAccountTokensAsync(Actor actor, Guid serviceAccountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.ServiceAccounts.AsNoTracking().SingleOrDefaultAsync(s => s.Id == serviceAccountId, ct);
        if (await ManageableAsync(db, actor, account, ct) is { } refusal) return refusal;
        return Result<IReadOnlyList<ApiTokenRow>>.Ok(await Rows(db.ApiTokens.AsNoTracking().Where(t => t.ServiceAccountId == serviceAccountId), ct));
    }

    // ---- authentication ----

    /// <summary>
    /// The actor an API request runs as, from the token it presented, read from the database every time (a revoked
    /// token, a deleted owner or a demoted owner takes effect on the next request). Records when the token was last
    /// used, at most once per <see cref="Limits.ApiTokenLastUsedResolution"/>, outside any command: it is an
    /// observation, not a change anyone made.
    /// </summary>
    public async Task<ApiAuthentication> AuthenticateAsync(string? presentedToken, CancellationToken ct = default)
    {
        if (!ApiTokenSecret.LooksLikeToken(presentedToken)) return new ApiAuthentication(null, ApiTokenFailure.Unknown);
        var hash = ApiTokenSecret.HashOf(presentedToken!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash, ct);
        // The lookup is by an index; the comparison after it keeps the decision itself free of timing differences.
        if (token is null || !ApiTokenSecret.SameHash(token.Hash, hash)) return new ApiAuthentication(null, ApiTokenFailure.Unknown);
        var now = clock.GetUtcNow();
        if (token.IsRevoked) return new ApiAuthentication(null, ApiTokenFailure.Revoked);
        if (token.IsExpired(now)) return new ApiAuthentication(null, ApiTokenFailure.Expired);

        Actor? actor;
        if (token.ServiceAccountId is { } serviceAccountId)
        {
            var account = await db.ServiceAccounts.AsNoTracking().SingleOrDefaultAsync(s => s.Id == serviceAccountId, ct);
            actor = account is null ? null : new Actor(account.ActorId, $"service account {account.Name} (token {token.Name})", PlatformRole.None)
            {
                Credential = new ApiCredential(token.Id, token.Name, token.Scope, new HashSet<Guid> { account.TenantId }, account.Id),
            };
        }
        else
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == token.UserId)
                .Select(u => new { u.Id, u.DisplayName, u.Email, u.PlatformRole }).SingleOrDefaultAsync(ct);
            var limit = token.TenantIds.Count == 0 ? null : token.TenantIds.ToHashSet();
            var person = user is null ? "" : string.IsNullOrEmpty(user.DisplayName) ? user.Email ?? user.Id : user.DisplayName;
            // A platform role spans every tenant, so a token limited to some tenants leaves it behind.
            actor = user is null ? null : new Actor(user.Id, $"{person} (token {token.Name})", limit is null ? user.PlatformRole : PlatformRole.None)
            {
                Credential = new ApiCredential(token.Id, token.Name, token.Scope, limit, null),
            };
        }
        if (actor is null) return new ApiAuthentication(null, ApiTokenFailure.Unknown);

        if (token.LastUsedAt is not { } last || now - last >= Limits.ApiTokenLastUsedResolution)
        {
            // Conditional, so concurrent requests with one token write once; no version bump (nobody edits a token).
            var staleBefore = now - Limits.ApiTokenLastUsedResolution;
            await db.ApiTokens.Where(t => t.Id == token.Id && (t.LastUsedAt == null || t.LastUsedAt <= staleBefore))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        return new ApiAuthentication(actor, null);
    }

    // ---- shared ----

    /// <summary>
    /// Tokens are managed by a person signed in to the portal, never with a token: a leaked token must not be able to
    /// mint itself successors or revoke the owner's other tokens.
    /// </summary>
    private static Refusal? WhyNotManageTokens(Actor actor) => actor.Credential is null
        ? null
        : Refusal.Forbidden("API tokens and service accounts are managed in the portal, not with an API token.");

    private async Task<Result<CreatedApiToken>> IssueAsync(PortalDbContext db, Actor actor, string? userId, Guid? serviceAccountId, string? name,
        DateTimeOffset expiresAt, ApiScope scope, IReadOnlyCollection<Guid> tenantIds, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var live = await db.ApiTokens.CountAsync(t => (userId != null ? t.UserId == userId : t.ServiceAccountId == serviceAccountId)
            && t.RevokedAt == null && t.ExpiresAt > now, ct);
        if (live >= Limits.MaxApiTokensPerOwner)
            return Refusal.Conflict($"At most {Limits.MaxApiTokensPerOwner} tokens may be live at once. Revoke one you no longer use first.");
        var created = ApiToken.Create(userId, serviceAccountId, name, expiresAt, scope, tenantIds, actor.UserId, now, options.MaxTokenLifetime);
        if (!created.Succeeded) return created.Refusal!;
        var (token, plain) = created.Value;
        db.ApiTokens.Add(token);
        return new CreatedApiToken(plain, ToRow(token));
    }

    private static async Task<bool> MayRevokeAsync(PortalDbContext db, Actor actor, ApiToken token, CancellationToken ct)
    {
        if (actor.IsPlatformAdmin || (token.UserId is not null && token.UserId == actor.UserId)) return true;
        if (token.ServiceAccountId is not { } serviceAccountId) return false;
        var tenantId = await db.ServiceAccounts.Where(s => s.Id == serviceAccountId).Select(s => (Guid?)s.TenantId).SingleOrDefaultAsync(ct);
        return tenantId is { } id && (await TenantAccess.ForAsync(db, actor, id, ct)).CanManage;
    }

    /// <summary>Null when the actor manages the account's tenant; otherwise the refusal (not found for outsiders).</summary>
    private static async Task<Refusal?> ManageableAsync(PortalDbContext db, Actor actor, ServiceAccount? account, CancellationToken ct)
    {
        if (account is null) return Refusal.NotFound("The service account");
        var access = await TenantAccess.ForAsync(db, actor, account.TenantId, ct);
        if (!access.CanRead) return Refusal.NotFound("The service account");
        return access.CanManage ? null : Refusal.Forbidden("Only tenant admins can manage the tenant's service accounts and their tokens.");
    }

    private static ApiTokenRow ToRow(ApiToken t) =>
        new(t.Id, t.Name, t.Prefix, t.Scope, t.TenantIds, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.ServiceAccountId);

    private static async Task<IReadOnlyList<ApiTokenRow>> Rows(IQueryable<ApiToken> tokens, CancellationToken ct)
    {
        // Timestamps are ordered in memory: a person holds at most a few dozen tokens.
        var list = await tokens.ToListAsync(ct);
        return list.OrderByDescending(t => t.CreatedAt).Select(ToRow).ToList();
    }
}

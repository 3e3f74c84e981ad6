using Portal.Domain.Common;

namespace Portal.Domain.Api;

/// <summary>
/// A machine credential for the HTTP API. It belongs to a person (<see cref="UserId"/>) or to a project service account
/// (<see cref="ServiceAccountId"/>), never both, and is never more than its owner: its <see cref="Scope"/> and tenant
/// limit only take rights away. Only the token's hash is stored; the token itself is shown once, at creation.
/// </summary>
public sealed class ApiToken : IVersioned
{
    private ApiToken() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The first characters after <c>ptl_</c>, shown in lists so an owner can tell tokens apart. Not secret.</summary>
    public string Prefix { get; private set; } = "";
    /// <summary>SHA-256 of the whole token (see <see cref="ApiTokenSecret"/>).</summary>
    public string Hash { get; private set; } = "";
    public ApiScope Scope { get; private set; }
    /// <summary>
    /// The only tenants the token reaches. Empty: every tenant its owner may access, now or later (a person's token keeps
    /// up with their memberships; a service account is in one tenant anyway). A limited person's token also gives up the
    /// owner's platform role, which spans every tenant.
    /// </summary>
    public List<Guid> TenantIds { get; private set; } = [];
    public string? UserId { get; private set; }
    public Guid? ServiceAccountId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedById { get; private set; } = "";
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedById { get; private set; }
    /// <summary>When the token last authenticated a request, to the minute (an observation, written outside commands).</summary>
    public DateTimeOffset? LastUsedAt { get; private set; }
    public int Version { get; set; }

    public bool IsRevoked => RevokedAt is not null;
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>
    /// A new token for a person or a service account (exactly one of <paramref name="userId"/> and
    /// <paramref name="serviceAccountId"/>), with its plain text to hand over once. <paramref name="maxLifetime"/> is the
    /// platform-wide maximum in force.
    /// </summary>
    public static Result<(ApiToken Token, string PlainText)> Create(string? userId, Guid? serviceAccountId, string? name, DateTimeOffset expiresAt,
        ApiScope scope, IReadOnlyCollection<Guid> tenantIds, string createdById, DateTimeOffset now, TimeSpan maxLifetime)
    {
        if ((userId is null) == (serviceAccountId is null))
            throw new ArgumentException("A token belongs to exactly one person or service account.");
        var validName = NameRules.Name(name, Fields.Name, "Name", Limits.ApiTokenNameMaxLength);
        if (!validName.Succeeded) return validName.Refusal!;
        if (!Enum.IsDefined(scope)) return Refusal.Invalid(Fields.Scope, "Choose read-only or read-write.");
        if (expiresAt <= now) return Refusal.Invalid(Fields.ExpiresAt, "Choose an expiry in the future.");
        if (expiresAt - now > maxLifetime)
            return Refusal.Invalid(Fields.ExpiresAt, $"A token lives at most {maxLifetime.TotalDays:0} days on this platform. Choose an earlier expiry.");
        if (tenantIds.Count > Limits.MaxApiTokenTenants)
            return Refusal.Invalid(Fields.Tenants, $"Limit a token to at most {Limits.MaxApiTokenTenants} tenants, or to none (every tenant).");
        var plain = ApiTokenSecret.NewToken();
        var token = new ApiToken
        {
            Id = Guid.NewGuid(),
            Name = validName.Value!,
            Prefix = ApiTokenSecret.PrefixOf(plain),
            Hash = ApiTokenSecret.HashOf(plain),
            Scope = scope,
            TenantIds = tenantIds.Distinct().ToList(),
            UserId = userId,
            ServiceAccountId = serviceAccountId,
            CreatedAt = now,
            CreatedById = createdById,
            ExpiresAt = expiresAt,
        };
        return (token, plain);
    }

    /// <summary>Ends the token for good. Revoking twice is refused, so the audit trail names the one who did it.</summary>
    public Result Revoke(string byId, DateTimeOffset now)
    {
        if (IsRevoked) return Refusal.Conflict($"The token '{Name}' was already revoked.");
        RevokedAt = now;
        RevokedById = byId;
        return Result.Ok();
    }
}

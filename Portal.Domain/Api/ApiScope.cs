namespace Portal.Domain.Api;

/// <summary>What an API token may do on top of what its owner may do: never more than the owner, sometimes less.</summary>
public enum ApiScope
{
    /// <summary>Reads only: every command is refused, whatever the owner's roles.</summary>
    ReadOnly = 0,
    /// <summary>Reads and changes, exactly as the owner could on a page.</summary>
    ReadWrite = 1,
}

/// <summary>
/// The token behind an API request, as authentication found it in the database. Carried on the <see cref="Common.Actor"/>
/// so authorization and the audit trail see it without any service asking.
/// </summary>
/// <param name="TenantLimit">The only tenants the token reaches; null: every tenant its owner may access.</param>
/// <param name="ServiceAccountId">Set when the token belongs to a project service account rather than a person.</param>
public sealed record ApiCredential(Guid TokenId, string TokenName, ApiScope Scope, IReadOnlySet<Guid>? TenantLimit, Guid? ServiceAccountId);

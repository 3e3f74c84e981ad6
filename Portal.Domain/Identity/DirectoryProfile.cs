namespace Portal.Domain.Identity;

/// <summary>
/// Who the directory (Keycloak) says a person is, after the id_token was validated and merged with the userinfo
/// response. <see cref="Subject"/> is the only identity key: accounts are linked by it, never by email.
/// </summary>
public sealed record DirectoryProfile
{
    public required string Subject { get; init; }
    public string Username { get; init; } = "";
    public string? Email { get; init; }
    public bool EmailVerified { get; init; }
    public string? Name { get; init; }
    /// <summary>Realm roles (<c>realm_access.roles</c>) and this client's roles (<c>resource_access.&lt;client&gt;.roles</c>).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
    /// <summary>Group paths as Keycloak sends them with "full group path" on, e.g. <c>/tenants/acme/admins</c>.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>The name to show: the full name, else the user name, else the email.</summary>
    public string DisplayName =>
        !string.IsNullOrWhiteSpace(Name) ? Name.Trim()
        : !string.IsNullOrWhiteSpace(Username) ? Username.Trim()
        : Email ?? Subject;

    /// <summary>How audit entries and logs name the person: user name, else email, else subject.</summary>
    public string Label => !string.IsNullOrWhiteSpace(Username) ? Username : Email ?? Subject;
}

using Microsoft.AspNetCore.Identity;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Identity;

/// <summary>A person who signs in to the portal (local account today; SSO-linked later).</summary>
public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public PlatformRole PlatformRole { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Light, dark or follow the system; see <see cref="UserPreferences"/>.</summary>
    public ThemePreference Theme { get; set; }
}

namespace Portal.Domain.Identity;

/// <summary>How a person wants the portal drawn; kept on their account so it follows them to every browser.</summary>
public enum ThemePreference
{
    /// <summary>Follow the operating system's light or dark setting (the default).</summary>
    System,
    Light,
    Dark,
}

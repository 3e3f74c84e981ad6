using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Identity;

/// <summary>
/// A person's own display preferences. Not audited: they change nothing anyone else sees, and only the person
/// themselves (by their user id from the sign-in) can read or change them.
/// </summary>
public sealed class UserPreferences(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<ThemePreference> GetThemeAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Theme).SingleOrDefaultAsync(ct);
    }

    /// <summary>Saves the choice; false when the account no longer exists.</summary>
    public async Task<bool> SetThemeAsync(string userId, ThemePreference theme, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(theme)) throw new ArgumentOutOfRangeException(nameof(theme), theme, "Not a theme preference.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A single-column update: it must not bump the account's concurrency stamp or race an admin's role change.
        return await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Theme, theme), ct) == 1;
    }
}

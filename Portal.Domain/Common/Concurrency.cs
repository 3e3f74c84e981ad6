using Microsoft.EntityFrameworkCore;

namespace Portal.Domain.Common;

public static class Concurrency
{
    /// <summary>
    /// Makes the next save of <paramref name="entity"/> conditional on the version the caller loaded.
    /// Returns a refusal at once when the stored version already differs.
    /// </summary>
    public static Refusal? Expect<T>(this DbContext db, T entity, int expectedVersion, string what) where T : class, IVersioned
    {
        if (entity.Version != expectedVersion)
            return Refusal.Concurrency(what);
        var version = db.Entry(entity).Property(e => e.Version);
        version.OriginalValue = expectedVersion;
        // Always write the row, even when the change touches only related rows or sets a value it already has:
        // the UPDATE ... WHERE Version = expected is what catches a writer that came in between.
        version.IsModified = true;
        return null;
    }
}

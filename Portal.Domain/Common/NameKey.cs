using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Common;

/// <summary>Something whose name is unique within its parent, ignoring case in every script.</summary>
public interface INamed
{
    string Name { get; }
}

/// <summary>
/// Case-insensitive uniqueness for names in any script. SQLite's NOCASE folds ASCII only ("München" and
/// "MÜNCHEN" would both be allowed), so each named row carries a shadow column with its folded name, kept
/// up to date by the context on save, and unique indexes use that column.
/// </summary>
public static class NameKey
{
    public const string Property = "NameKey";

    public static string For(string? name) => (name ?? "").Trim().Normalize(NormalizationForm.FormKC).ToUpperInvariant();

    /// <summary>Rows whose name equals <paramref name="name"/> ignoring case.</summary>
    public static IQueryable<T> Named<T>(this IQueryable<T> rows, string? name) where T : class, INamed
    {
        var key = For(name);
        return rows.Where(e => EF.Property<string>(e, Property) == key);
    }

    /// <summary>Maps the shadow column and its unique index, scoped by the given parent key columns.</summary>
    public static void MapUniqueName<T>(this EntityTypeBuilder<T> builder, params string[] scope) where T : class, INamed
    {
        builder.Property<string>(Property).HasMaxLength(Limits.NameMaxLength * 3).IsRequired();
        builder.HasIndex([.. scope, Property]).IsUnique();
    }
}

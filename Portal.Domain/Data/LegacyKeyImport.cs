using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Portal.Domain.Data;

/// <summary>
/// Earlier versions kept the data-protection keys as XML files in the data folder's <c>keys</c> directory. The
/// secrets they encrypted (cloud credentials, kubeconfigs) are still in the database, so at the first start with
/// keys in the database those files are copied in: without them nothing stored before could be decrypted.
/// </summary>
public static class LegacyKeyImport
{
    /// <summary>Advisory lock key of the import on PostgreSQL (the bytes of "portal-k").</summary>
    internal const long ImportLock = 0x706f7274616c2d6b;

    /// <summary>
    /// Copies every <c>*.xml</c> file of <paramref name="folder"/> into the key table, under the name the file store
    /// gave it, when the table is still empty. Returns how many were imported (0 when there was nothing to do).
    /// Run it before anything protects or unprotects data, or the key ring would start with a new key instead.
    /// </summary>
    public static async Task<int> ImportAsync(PortalDbContext db, string? folder, ILogger logger, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder)) return 0;
        var files = Directory.GetFiles(folder, "*.xml").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) return 0;

        // Portal processes starting together on one PostgreSQL database would otherwise both see an empty table and
        // import the same keys twice; SQLite has one process per file.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!db.Database.IsSqlite())
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ImportLock})", ct);
        if (await db.DataProtectionKeys.AnyAsync(ct)) return 0;

        foreach (var file in files)
        {
            // Parsed, so a damaged file stops the start-up here instead of breaking decryption later.
            var element = XElement.Load(file);
            db.DataProtectionKeys.Add(new DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = element.ToString(SaveOptions.DisableFormatting),
            });
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Imported {Count} data-protection key file(s) from {Folder} into the database; the database holds the keys from now on",
            files.Count, folder);
        return files.Count;
    }
}

namespace Portal.Domain.Data;

/// <summary>
/// One portal process per SQLite file: the operations engine and the multi-row rules assume that their process is the
/// database's only writer. Held as an exclusive lock on <c>&lt;file&gt;.lock</c> next to the database for the process
/// lifetime; the operating system drops it when the process dies, so a crash leaves nothing to clean up. Within one
/// process the lock is shared (tests run two hosts of the portal side by side, or one after another); the last
/// <see cref="Dispose"/> releases it.
/// </summary>
public sealed class SqliteFileLock : IDisposable
{
    private static readonly Dictionary<string, (FileStream Stream, int Holders)> Held = new(StringComparer.Ordinal);
    private bool _disposed;

    private SqliteFileLock(string path) => Path = path;

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Takes the lock or throws <see cref="PortalStartupException"/> saying who holds it and what to do.</summary>
    public static SqliteFileLock Acquire(string databaseFile)
    {
        var path = System.IO.Path.GetFullPath(databaseFile) + ".lock";
        lock (Held)
        {
            if (Held.TryGetValue(path, out var held))
            {
                Held[path] = (held.Stream, held.Holders + 1);
                return new SqliteFileLock(path);
            }
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock on Linux) that other processes see.
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                Held[path] = (stream, 1);
                return new SqliteFileLock(path);
            }
            catch (IOException ex)
            {
                throw new PortalStartupException(
                    $"Another portal process uses the database {databaseFile} (it holds {path}). Only one portal process may " +
                    "use a SQLite database: stop the other one, or give this one its own data folder (Portal:DataPath). To run " +
                    $"several portal processes on one database, use PostgreSQL (Portal:Database:Provider=PostgreSQL). ({ex.Message})");
            }
        }
    }

    public void Dispose()
    {
        lock (Held)
        {
            if (_disposed) return;
            _disposed = true;
            var held = Held[Path];
            if (held.Holders > 1)
            {
                Held[Path] = (held.Stream, held.Holders - 1);
                return;
            }
            Held.Remove(Path);
            held.Stream.Dispose();
        }
    }
}

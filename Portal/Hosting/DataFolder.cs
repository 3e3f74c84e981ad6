using System.Runtime.InteropServices;

namespace Portal.Hosting;

/// <summary>
/// The data folder holds the SQLite database (with every stored credential, encrypted) and the demo cloud's state: on
/// Unix it and everything the portal creates are readable by the portal's user only. The process's file-creation mask
/// becomes 077 so the database, its journal files and every later file start private, and an existing folder or files
/// with looser modes (from earlier versions) are tightened at start-up.
/// </summary>
public static partial class DataFolder
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates or tightens <paramref name="path"/>; returns what was tightened, for the start-up log.</summary>
    public static IReadOnlyList<string> Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return [];
        }
        Umask(0b000_111_111); // 077: nothing the process creates from now on is readable by group or others
        var tightened = new List<string>();
        if (!Directory.Exists(path)) Directory.CreateDirectory(path, FolderMode);
        foreach (var entry in new[] { path }.Concat(Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories)))
        {
            var isFolder = Directory.Exists(entry);
            var mode = File.GetUnixFileMode(entry);
            if ((mode & GroupOrOther) == 0) continue;
            File.SetUnixFileMode(entry, mode & ~GroupOrOther);
            tightened.Add(isFolder ? entry + Path.DirectorySeparatorChar : entry);
        }
        return tightened;
    }

    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint Umask(uint mask);
}

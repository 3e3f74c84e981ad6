using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Portal.DemoCloud;

/// <summary>
/// One demo stand-in's state on disk: a JSON document that is replaced whole and atomically — written to a temporary
/// file beside it, flushed to the disk, then renamed over the previous one — so a crash or a full disk mid-write leaves
/// the previous state, never half of one. A file that cannot be read or understood is moved aside (to
/// <c>{name}.unreadable-{time}</c>) with a warning, and the stand-in starts empty: a broken demo file must never stop
/// the portal. The file is readable by the portal's user only; it holds no secret in plain text (callers protect them).
/// </summary>
internal sealed partial class DemoStateFile(string path, TimeProvider clock, ILogger log)
{
    /// <summary>Larger files are refused unread: the demo's state is kilobytes per cluster, never this.</summary>
    internal const long MaxBytes = 256L * 1024 * 1024;

    private int _writes;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>How many times the file was written (for tests of coalescing).</summary>
    public int WriteCount => Volatile.Read(ref _writes);

    /// <summary>The saved document; null when there is none, or when it was unreadable (then it has been moved aside).</summary>
    public JsonObject? Load()
    {
        if (!File.Exists(Path))
            return null;
        try
        {
            var info = new FileInfo(Path);
            if (info.Length > MaxBytes)
            {
                SetAside($"it is larger than {MaxBytes / (1024 * 1024)} MiB", null);
                return null;
            }
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (JsonNode.Parse(stream) is JsonObject document)
                return document;
            SetAside("it does not hold a JSON object", null);
            return null;
        }
        catch (JsonException ex)
        {
            SetAside("it is not valid JSON", ex);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SetAside("it cannot be read", ex);
            return null;
        }
    }

    /// <summary>Replaces the file with <paramref name="document"/> atomically (temporary file, flush to disk, rename).</summary>
    public void Save(JsonObject document)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(folder);
        // A name of its own: two writers on one folder (two hosts of one test) never write into each other's file;
        // the last rename wins.
        var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                using (var writer = new Utf8JsonWriter(stream))
                    document.WriteTo(writer);
                // The data must be on the disk before the rename makes it the state; otherwise a power cut could leave
                // an empty file under the real name.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // gone already after the rename; a leftover only when writing failed
        }
        Interlocked.Increment(ref _writes);
    }

    /// <summary>Moves an unusable file out of the way (kept for a person to look at) and says so in the log.</summary>
    public void SetAside(string reason, Exception? exception)
    {
        var aside = $"{Path}.unreadable-{clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
        try
        {
            File.Move(Path, aside, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSetAsideFailed(log, Path, ex.Message);
            return;
        }
        LogSetAside(log, Path, reason, aside, exception?.Message ?? string.Empty);
    }

    [LoggerMessage(EventId = 4220, Level = LogLevel.Warning,
        Message = "The demo cloud's saved state {Path} was not used because {Reason}; it was moved to {Aside} and the demo starts empty. {Detail}")]
    private static partial void LogSetAside(ILogger logger, string path, string reason, string aside, string detail);

    [LoggerMessage(EventId = 4221, Level = LogLevel.Warning,
        Message = "The demo cloud's saved state {Path} is unusable and could not be moved aside ({Detail}); the demo starts empty and will overwrite it")]
    private static partial void LogSetAsideFailed(ILogger logger, string path, string detail);
}

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>Where browser tests put screenshots: <c>TestResults/screenshots</c> at the repository root.</summary>
public static class TestArtifacts
{
    private static readonly Lazy<string> Screenshots = new(() =>
    {
        var configured = Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS_DIR");
        var folder = !string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(configured)
            : FindRepositoryRoot() is { } root
                ? Path.Combine(root, "TestResults", "screenshots")
                : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    });

    /// <summary>The screenshots folder (created on first use). Override with <c>PORTAL_SCREENSHOTS_DIR</c>.</summary>
    public static string ScreenshotsFolder => Screenshots.Value;

    /// <summary>A full path in the screenshots folder for a name such as <c>Class.Test</c>; unsafe characters become '_'.</summary>
    public static string ScreenshotPath(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(name.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : c).ToArray());
        return Path.Combine(ScreenshotsFolder, safe.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? safe : safe + ".png");
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
                return dir.FullName;
        }
        return null;
    }
}

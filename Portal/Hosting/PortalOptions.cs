namespace Portal.Hosting;

/// <summary>Configuration section <c>Portal</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Folder for the database and data-protection keys; relative paths are under the content root.</summary>
    public string DataPath { get; set; } = "data";

    public string ResolveDataPath(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataPath) ? DataPath : Path.Combine(contentRoot, DataPath));
}

using System.Globalization;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// Kubernetes resource quantities (<c>10Gi</c>, <c>500M</c>, <c>1.5Ti</c>, <c>1e9</c>) as numbers, so that sizes written
/// with different suffixes compare as the API server compares them.
/// </summary>
internal static class DemoQuantity
{
    /// <summary>The quantity's value (bytes for storage); null when it is not a quantity.</summary>
    public static decimal? Bytes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var suffixes = new (string Suffix, decimal Factor)[]
        {
            ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
            ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
            ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
        };
        foreach (var (suffix, factor) in suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && decimal.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var scaled))
                return scaled * factor;
        }
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? plain : null;
    }
}

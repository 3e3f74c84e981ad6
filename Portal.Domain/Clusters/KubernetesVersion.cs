using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Domain.Clusters;

/// <summary>
/// A Kubernetes version as the catalog offers it: <c>major.minor.patch</c> with an optional platform build suffix,
/// for example <c>1.32.3-5</c>. Ordered by major, minor, patch, then build.
/// </summary>
public readonly partial record struct KubernetesVersion(int Major, int Minor, int Patch, int Build) : IComparable<KubernetesVersion>
{
    public static bool TryParse(string? text, out KubernetesVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var match = Shape().Match(text.Trim());
        if (!match.Success) return false;
        static int Part(Group g) => g.Success ? int.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        version = new KubernetesVersion(Part(match.Groups[1]), Part(match.Groups[2]), Part(match.Groups[3]), Part(match.Groups[4]));
        return true;
    }

    public static KubernetesVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a Kubernetes version such as 1.32.3-5.");

    /// <summary>"1.32" — the minor line the version belongs to.</summary>
    public string MinorLine => $"{Major}.{Minor}";

    /// <summary>The upstream version Cluster API expects, without the platform build: "v1.32.3".</summary>
    public string Upstream => $"v{Major}.{Minor}.{Patch}";

    public int CompareTo(KubernetesVersion other)
    {
        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        return c == 0 ? Build.CompareTo(other.Build) : c;
    }

    public static bool operator <(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) >= 0;

    /// <summary>
    /// Whether a control plane at this version may move to <paramref name="target"/>: a newer patch or build within
    /// the same minor, or the next minor (any patch). Never a downgrade, never a skipped minor.
    /// </summary>
    public bool CanUpgradeTo(KubernetesVersion target) =>
        target > this && target.Major == Major && (target.Minor == Minor || target.Minor == Minor + 1);

    public override string ToString() =>
        Build > 0 ? $"{Major}.{Minor}.{Patch}-{Build}" : $"{Major}.{Minor}.{Patch}";

    [GeneratedRegex(@"^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?:[-+](\d{1,6}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}

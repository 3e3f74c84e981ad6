using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Sdk;

namespace Portal.Tests.Unit.Clusters;

/// <summary>
/// Golden-file assertions for generated manifests: the expected JSON lives in Portal.Tests/Unit/Clusters/Golden, read
/// from the source tree (the repository root is found above the test binaries). Any difference fails with a line diff.
/// Set <c>PORTAL_UPDATE_GOLDEN=1</c> to rewrite the files from the current output instead; review them in the diff.
/// Other areas keep their golden files beside their tests (Portal.Tests/Unit/{area}/Golden) and use the overloads
/// taking an area.
/// </summary>
public static class GoldenFiles
{
    public const string UpdateVariable = "PORTAL_UPDATE_GOLDEN";

    private static readonly Lazy<string> Folder = new(() => FindFolder("Clusters"));
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string PathOf(string name) => Path.Combine(Folder.Value, name);

    /// <summary>The canonical text of a node: indented JSON, LF line ends, a final newline.</summary>
    public static string Render(JsonNode node) => node.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    public static void AssertMatches(string name, IEnumerable<JsonObject> objects) =>
        AssertMatches(name, new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]));

    public static void AssertMatches(string name, JsonNode actual) => AssertFile(PathOf(name), name, actual);

    /// <summary>Like <see cref="AssertMatches(string, JsonNode)"/>, for the golden files of another area (e.g. "Databases").</summary>
    public static void AssertMatchesIn(string area, string name, IEnumerable<JsonObject> objects) =>
        AssertMatchesIn(area, name, new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]));

    public static void AssertMatchesIn(string area, string name, JsonNode actual) => AssertFile(Path.Combine(FindFolder(area), name), name, actual);

    private static void AssertFile(string path, string name, JsonNode actual)
    {
        var text = Render(actual);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, text);
            return;
        }
        if (!File.Exists(path))
            throw new XunitException($"Golden file {path} does not exist. Run the tests with {UpdateVariable}=1 to create it, then review it.");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != text)
            throw new XunitException($"Output differs from golden file {name} (rerun with {UpdateVariable}=1 to accept):\n{Diff(expected, text)}");
    }

    /// <summary>A compact line diff: each differing region with two lines of context, "-" expected, "+" actual.</summary>
    public static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        // Longest common subsequence table, from the end, so the walk below can go forwards.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var lines = new List<(char Op, int Line, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', x + 1, a[x]));
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                lines.Add(('-', x + 1, a[x]));
                x++;
            }
            else
            {
                lines.Add(('+', y + 1, b[y]));
                y++;
            }
        }

        var output = new StringBuilder();
        var shown = new bool[lines.Count];
        for (var k = 0; k < lines.Count; k++)
        {
            if (lines[k].Op == ' ')
                continue;
            for (var c = Math.Max(0, k - 2); c <= Math.Min(lines.Count - 1, k + 2); c++)
                shown[c] = true;
        }
        var gap = false;
        for (var k = 0; k < lines.Count; k++)
        {
            if (!shown[k])
            {
                gap = true;
                continue;
            }
            if (gap)
                output.Append("  ...\n");
            gap = false;
            output.Append(lines[k].Op).Append(' ').Append(lines[k].Line.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5)).Append(" | ").Append(lines[k].Text).Append('\n');
        }
        return output.ToString();
    }

    private static string FindFolder(string area, [CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
                return Path.Combine(dir.FullName, "Portal.Tests", "Unit", area, "Golden");
        }
        // Built outside the repository tree: fall back to the folder next to this source file.
        var fromSource = Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", area, "Golden");
        if (Directory.Exists(fromSource))
            return fromSource;
        throw new DirectoryNotFoundException($"Could not find Portal.Tests/Unit/{area}/Golden above " + AppContext.BaseDirectory);
    }
}

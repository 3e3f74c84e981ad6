namespace Portal.Components.Api;

/// <summary>A markdown text as paragraphs and bullet lists; a list item or paragraph's wrapped lines are joined.</summary>
public sealed record ApiMarkdownBlocks(bool IsList, IReadOnlyList<string> Lines)
{
    public static IReadOnlyList<ApiMarkdownBlocks> Parse(string? text)
    {
        var blocks = new List<ApiMarkdownBlocks>();
        if (string.IsNullOrWhiteSpace(text)) return blocks;
        foreach (var chunk in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var items = new List<string>();
            var paragraph = new List<string>();
            foreach (var raw in chunk.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0) continue;
                if (line.StartsWith("* ", StringComparison.Ordinal) || line.StartsWith("- ", StringComparison.Ordinal))
                {
                    Flush(paragraph, blocks);
                    items.Add(line[2..]);
                }
                else if (items.Count > 0 && raw.StartsWith(' '))
                    items[^1] += " " + line;
                else
                {
                    Flush(items, blocks, isList: true);
                    paragraph.Add(line);
                }
            }
            Flush(paragraph, blocks);
            Flush(items, blocks, isList: true);
        }
        return blocks;
    }

    private static void Flush(List<string> lines, List<ApiMarkdownBlocks> blocks, bool isList = false)
    {
        if (lines.Count == 0) return;
        blocks.Add(isList ? new ApiMarkdownBlocks(true, lines.ToList()) : new ApiMarkdownBlocks(false, [string.Join(' ', lines)]));
        lines.Clear();
    }
}

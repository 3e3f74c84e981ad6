namespace Portal.ClustersBenchmark;

/// <summary>The results table: sections of metric rows, each with a verdict when it is checked against something.</summary>
internal sealed class Report
{
    private readonly List<(string? Section, string Metric, string Value, bool? Ok)> _rows = [];

    public void Section(string title) => _rows.Add((title, "", "", null));

    public void Add(string metric, string value, bool? ok)
    {
        _rows.Add((null, metric, value, ok));
        Console.WriteLine($"    {metric}: {value}{(ok is false ? "  <-- NOT MET" : "")}");
    }

    public void Print()
    {
        var width = _rows.Where(r => r.Section is null).Select(r => r.Metric.Length).DefaultIfEmpty(20).Max() + 2;
        foreach (var (section, metric, value, ok) in _rows)
        {
            if (section is not null)
            {
                Console.WriteLine();
                Console.WriteLine(section);
                Console.WriteLine(new string('-', Math.Min(section.Length, 120)));
                continue;
            }
            var verdict = ok switch { true => "ok", false => "NOT MET", null => "" };
            Console.WriteLine($"{metric.PadRight(width)}{value,-64} {verdict}");
        }
    }
}

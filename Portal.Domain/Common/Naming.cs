namespace Portal.Domain.Common;

public static class Naming
{
    /// <summary>Names for a message: sorted, at most five, then "and N more".</summary>
    public static string List(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return list.Count <= 5 ? string.Join(", ", list) : $"{string.Join(", ", list.Take(5))} and {list.Count - 5} more";
    }
}

using System.Text.Json;
using Portal.Api.Common;

namespace Portal.Api.Databases;

/// <summary>
/// Query parameters the API reads itself so that a bad value is a 422 naming the parameter (not the framework's bare
/// 400): enums in the wire's camelCase (any case accepted), and the sort order.
/// </summary>
public static class ApiQuery
{
    public static bool TryEnum<T>(string? value, string field, out T? result, out IResult? problem) where T : struct, Enum
    {
        result = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!int.TryParse(value, out _) && Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            result = parsed;
            return true;
        }
        problem = ApiProblems.Invalid(field, $"{field} must be one of: {string.Join(", ", Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName))}.");
        return false;
    }

    /// <summary><c>order=asc|desc</c>; absent: <paramref name="defaultDescending"/>.</summary>
    public static bool TryOrder(string? value, bool defaultDescending, out bool descending, out IResult? problem)
    {
        descending = defaultDescending;
        problem = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        switch (value.Trim().ToLowerInvariant())
        {
            case "asc": descending = false; return true;
            case "desc": descending = true; return true;
            default:
                problem = ApiProblems.Invalid("order", "order must be asc or desc.");
                return false;
        }
    }
}

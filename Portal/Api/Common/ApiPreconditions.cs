using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Portal.Api.Common;

/// <summary>
/// ETags and If-Match. A resource's ETag is its version: it changes with every change a person or client makes to it
/// (settings, sizes, members...), and not with what the portal merely observes (a phase, ready nodes), so that a client
/// holding an ETag is not refused because of a status it never meant to change. <c>If-Match</c> on an update or a
/// delete makes it conditional on that version: someone else's change in between gives 412 and changes nothing.
/// Without If-Match the change applies to the version the API reads just before it.
/// </summary>
public static class ApiPreconditions
{
    public const string IfMatchField = "If-Match";

    public static string ETagOf(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>Sets the ETag header of a response about a resource at <paramref name="version"/>.</summary>
    public static void SetETag(this HttpContext http, int version) => http.Response.Headers.ETag = ETagOf(version);

    /// <summary>Whether the request carries If-Match (then a concurrency refusal is a 412).</summary>
    public static bool HasIfMatch(this HttpContext http) => http.Request.Headers.IfMatch.Count > 0;

    /// <summary>
    /// The version the request expects: If-Match's when given (a list takes its first ETag; <c>*</c> means "whatever it
    /// is now", <paramref name="current"/>), otherwise <paramref name="current"/>. False with a problem for an ETag this
    /// API did not issue.
    /// </summary>
    public static bool TryExpectedVersion(this HttpContext http, int current, out int expected, out IResult? problem)
    {
        expected = current;
        problem = null;
        if (!http.HasIfMatch()) return true;
        if (!EntityTagHeaderValue.TryParseList(http.Request.Headers.IfMatch, out var tags) || tags.Count == 0)
        {
            problem = ApiProblems.Invalid(IfMatchField, "If-Match must be an ETag this API returned, such as \"3\", or *.");
            return false;
        }
        var tag = tags[0];
        if (tag.Equals(EntityTagHeaderValue.Any)) return true;
        if (tag.IsWeak || !int.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out expected))
        {
            expected = current;
            problem = ApiProblems.Invalid(IfMatchField, "If-Match must be a strong ETag this API returned, such as \"3\".");
            return false;
        }
        return true;
    }
}

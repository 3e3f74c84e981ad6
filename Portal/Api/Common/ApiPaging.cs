using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Portal.Domain.Common;

namespace Portal.Api.Common;

/// <summary>
/// One page of a list. <see cref="NextPageToken"/> is null on the last page; pass it as <c>pageToken</c> with the same
/// filters to get the next one. <see cref="TotalCount"/> counts every item matching the filters.
/// </summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, string? NextPageToken, int TotalCount);

/// <summary>
/// Opaque page tokens. A token names where the next page starts and carries a fingerprint of the filters it was issued
/// for, so a token replayed with other filters (or edited by hand) is refused with a clear message instead of
/// silently returning the wrong window. Clients must treat tokens as opaque: their layout may change.
/// </summary>
public static class ApiPaging
{
    public const string PageTokenField = "pageToken";
    public const string PageSizeField = "pageSize";
    public const int DefaultPageSize = 50;
    private const string Prefix = "p1.";

    /// <summary>
    /// The domain's page request for <paramref name="pageToken"/> and <paramref name="pageSize"/> under the given filter
    /// values (their order matters; pass the same values when issuing the next token), or the problem to answer.
    /// </summary>
    public static bool TryRead(string? pageToken, int? pageSize, string? search, out PageRequest page, out IResult? problem, params object?[] filters)
    {
        page = new PageRequest();
        problem = null;
        if (pageSize is { } size && (size < 1 || size > Limits.MaxPageSize))
        {
            problem = ApiProblems.Invalid(PageSizeField, $"pageSize must be between 1 and {Limits.MaxPageSize}.");
            return false;
        }
        var take = pageSize ?? DefaultPageSize;
        var skip = 0;
        if (!string.IsNullOrEmpty(pageToken))
        {
            if (!TryDecode(pageToken, out skip, out var fingerprint) || fingerprint != Fingerprint(search, filters))
            {
                problem = ApiProblems.Invalid(PageTokenField,
                    "The page token is not valid for this list and these filters. Start again without pageToken, using the same filters for every page.");
                return false;
            }
        }
        page = new PageRequest(skip, take, search);
        return true;
    }

    /// <summary>The page to answer: the items and, when more follow, the token of the next page.</summary>
    public static ApiPage<TOut> Answer<TIn, TOut>(Page<TIn> page, PageRequest request, Func<TIn, TOut> map, string? search, params object?[] filters)
    {
        var next = request.SafeSkip + page.Items.Count;
        var token = page.Items.Count > 0 && next < page.Total ? Encode(next, Fingerprint(request.Search, filters)) : null;
        return new ApiPage<TOut>(page.Items.Select(map).ToList(), token, page.Total);
    }

    private static string Encode(int skip, uint fingerprint)
    {
        Span<byte> bytes = stackalloc byte[8];
        BitConverter.TryWriteBytes(bytes, skip);
        BitConverter.TryWriteBytes(bytes[4..], fingerprint);
        return Prefix + Base64Url.EncodeToString(bytes);
    }

    private static bool TryDecode(string token, out int skip, out uint fingerprint)
    {
        skip = 0;
        fingerprint = 0;
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 64) return false;
        Span<byte> bytes = stackalloc byte[16];
        if (Base64Url.DecodeFromChars(token.AsSpan(Prefix.Length), bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 8)
            return false;
        skip = BitConverter.ToInt32(bytes);
        fingerprint = BitConverter.ToUInt32(bytes[4..]);
        return skip > 0;
    }

    private static uint Fingerprint(string? search, object?[] filters)
    {
        var text = new StringBuilder(search?.Trim() ?? "");
        foreach (var filter in filters)
            text.Append('\u001f').Append(filter switch
            {
                null => "",
                DateTimeOffset at => at.ToUniversalTime().ToString("O"),
                IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => filter.ToString(),
            });
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return BitConverter.ToUInt32(hash);
    }
}

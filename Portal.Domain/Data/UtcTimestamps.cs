using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Domain.Data;

/// <summary>
/// Every timestamp is stored in UTC on both providers, whatever offset the caller's value carries: an instant then
/// compares and orders the same everywhere, and Npgsql (which refuses non-zero offsets for <c>timestamptz</c>) never
/// sees one.
/// </summary>
internal static class UtcTimestamps
{
    private static readonly DateTimeOffsetToBinaryConverter Binary = new();

    internal static long ToBinary(DateTimeOffset value) => (long)Binary.ConvertToProvider(value.ToUniversalTime())!;

    // Rows written before timestamps were normalized may carry an offset; they read back as the same instant.
    internal static DateTimeOffset FromBinary(long value) => ((DateTimeOffset)Binary.ConvertFromProvider(value)!).ToUniversalTime();
}

/// <summary>
/// SQLite: the format the portal has always used (EF's <see cref="DateTimeOffsetToBinaryConverter"/>, an integer that
/// SQLite can order and compare, unlike EF's text form), written in UTC.
/// </summary>
public sealed class UtcBinaryDateTimeOffsetConverter()
    : ValueConverter<DateTimeOffset, long>(v => UtcTimestamps.ToBinary(v), v => UtcTimestamps.FromBinary(v));

/// <summary>PostgreSQL: a native <c>timestamp with time zone</c>, written in UTC.</summary>
public sealed class UtcDateTimeOffsetConverter()
    : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v.ToUniversalTime());

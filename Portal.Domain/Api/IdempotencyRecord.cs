using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Api;

/// <summary>
/// What an API write sent with an <c>Idempotency-Key</c> answered, kept for <see cref="Limits.IdempotencyWindow"/> so that
/// the same key from the same caller gets the same answer again instead of doing the work twice. A record is first
/// <see cref="IsCompleted">pending</see> (the request is running; the unique key makes a concurrent duplicate wait its
/// turn or be told so), then holds the response. Keys are the caller's own: another caller's identical key is unrelated.
/// </summary>
public sealed class IdempotencyRecord
{
    private IdempotencyRecord() { }

    public Guid Id { get; private set; }
    /// <summary>The actor id of the caller (a person's user id or a service account's actor id).</summary>
    public string OwnerId { get; private set; } = "";
    public string Key { get; private set; } = "";
    /// <summary>SHA-256 of the method, the path and query, and the body: the same key with another request is refused.</summary>
    public string RequestHash { get; private set; } = "";
    public string Method { get; private set; } = "";
    public string Path { get; private set; } = "";
    public bool IsCompleted { get; private set; }
    public int StatusCode { get; private set; }
    public string? ContentType { get; private set; }
    public string? Location { get; private set; }
    public string? ETag { get; private set; }
    public byte[]? Body { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    public static IdempotencyRecord Begin(string ownerId, string key, string requestHash, string method, string path, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        OwnerId = ownerId,
        Key = key,
        RequestHash = requestHash,
        Method = method,
        Path = path.Length > PathMaxLength ? path[..PathMaxLength] : path,
        CreatedAt = now,
        ExpiresAt = now + Limits.IdempotencyWindow,
    };

    internal const int PathMaxLength = 400;

    /// <summary>Whether a pending record was left behind by a request that will not finish (its process stopped).</summary>
    public bool IsAbandoned(DateTimeOffset now) => !IsCompleted && now - CreatedAt > Limits.IdempotencyPendingTimeout;

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    public void Complete(int statusCode, string? contentType, string? location, string? etag, byte[] body)
    {
        IsCompleted = true;
        StatusCode = statusCode;
        ContentType = contentType;
        Location = location;
        ETag = etag;
        Body = body;
    }
}

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("IdempotencyRecords");
        builder.Property(r => r.OwnerId).HasMaxLength(Limits.ActorIdMaxLength);
        builder.Property(r => r.Key).HasMaxLength(Limits.IdempotencyKeyMaxLength);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Property(r => r.Method).HasMaxLength(16);
        builder.Property(r => r.Path).HasMaxLength(IdempotencyRecord.PathMaxLength);
        builder.Property(r => r.ContentType).HasMaxLength(200);
        builder.Property(r => r.Location).HasMaxLength(IdempotencyRecord.PathMaxLength);
        builder.Property(r => r.ETag).HasMaxLength(100);
        // One record per caller and key: the database, not a check before the insert, decides who ran first.
        builder.HasIndex(r => new { r.OwnerId, r.Key }).IsUnique();
        builder.HasIndex(r => r.ExpiresAt);
    }
}

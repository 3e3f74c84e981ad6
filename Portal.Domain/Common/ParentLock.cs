using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Domain.Common;

/// <summary>
/// A parent whose children a serialized command counts or checks (see <see cref="CommandRunner.RunSerializedOnAsync{T}(Actor, Auditing.AuditSubject, IReadOnlyList{ParentLock}, Func{Data.PortalDbContext, Task{Result{T}}}, Func{T, Auditing.AuditSubject}?, CancellationToken)"/>):
/// commands naming the same parent run one after another. On PostgreSQL it is an advisory lock whose 64-bit key is
/// derived from the kind and the id with SHA-256, the same in every process and every release (a string's
/// <c>GetHashCode</c> differs per process).
/// </summary>
public readonly record struct ParentLock(string Kind, string Id)
{
    public static ParentLock Tenant(Guid id) => new("tenant", id.ToString());
    public static ParentLock Project(Guid id) => new("project", id.ToString());
    public static ParentLock Region(Guid id) => new("region", id.ToString());
    public static ParentLock Zone(Guid id) => new("zone", id.ToString());
    public static ParentLock Infrastructure(Guid id) => new("infrastructure", id.ToString());
    public static ParentLock ServiceConfig(Guid id) => new("service-config", id.ToString());
    public static ParentLock Cluster(Guid id) => new("cluster", id.ToString());
    /// <summary>A Kubernetes API server a PostgreSQL platform installs its operator on (one platform per server).</summary>
    public static ParentLock OperatorServer(string server) => new("operator-server", server);

    /// <summary>The advisory lock key.</summary>
    public long Key
    {
        get
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(Encoding.UTF8.GetBytes($"portal-parent:{Kind}:{Id}"), hash);
            return BinaryPrimitives.ReadInt64BigEndian(hash);
        }
    }
}

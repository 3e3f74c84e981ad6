using System.Diagnostics.CodeAnalysis;

namespace Portal.Jobs;

/// <summary>
/// What went wrong talking to a remote system (an OpenStack cloud, a Kubernetes API server) or reading the settings
/// that describe it; the pages pick their wording and hints per kind.
/// </summary>
public enum RemoteErrorKind
{
    /// <summary>The connection data itself is unusable (bad URL, missing credential field, unreadable CA, unsupported kubeconfig).</summary>
    InvalidConfiguration,
    /// <summary>The credentials were rejected (401).</summary>
    Unauthorized,
    /// <summary>Authenticated, but a role (OpenStack) or RBAC rule (Kubernetes) refused the call (403).</summary>
    Forbidden,
    /// <summary>The object, the resource type or the API itself does not exist at that address (404).</summary>
    NotFound,
    /// <summary>The object changed underneath, already exists, or a field is owned by another manager (409).</summary>
    Conflict,
    /// <summary>The server refused the request or object as invalid (422, or 400 for a malformed request).</summary>
    Invalid,
    /// <summary>The cloud's service catalog has no such service type (or not with the requested interface).</summary>
    ServiceMissing,
    /// <summary>The service exists, but not in the requested region.</summary>
    RegionMissing,
    /// <summary>DNS failure, connection refused or reset: nothing reachable at the address.</summary>
    Unreachable,
    /// <summary>The TLS handshake failed: an untrusted or mismatched server certificate, or a refused client certificate.</summary>
    TlsFailure,
    /// <summary>No answer within the request timeout.</summary>
    Timeout,
    /// <summary>The answer is not the JSON the API defines.</summary>
    Malformed,
    /// <summary>The server failed (5xx) or kept throttling (429), even after retries.</summary>
    ServerError,
    /// <summary>Any other answer the client does not expect.</summary>
    Unexpected,
}

/// <summary>A failure described for a person: what failed and what to check. Never contains a secret, token or private key.</summary>
public sealed record RemoteError(RemoteErrorKind Kind, string Message)
{
    /// <summary>The HTTP status the server answered with, when there was an answer.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The server's own reason code when it sent one (a Kubernetes Status reason such as AlreadyExists).</summary>
    public string? Reason { get; init; }

    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>The outcome of one call to a remote system: a value, or a typed <see cref="RemoteError"/>.</summary>
public sealed class RemoteResult<T>
{
    private RemoteResult(T? value, RemoteError? error)
    {
        Value = value;
        Error = error;
    }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>The value; set only when <see cref="Succeeded"/>.</summary>
    public T? Value { get; }

    /// <summary>The failure; set only when not <see cref="Succeeded"/>.</summary>
    public RemoteError? Error { get; }

    /// <summary>Whether the call failed because the object (or its type) does not exist.</summary>
    public bool IsNotFound => Error?.Kind == RemoteErrorKind.NotFound;

    public static RemoteResult<T> Success(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(value, null);
    }

    public static RemoteResult<T> Failure(RemoteError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(default, error);
    }

    public static RemoteResult<T> Failure(RemoteErrorKind kind, string message) => Failure(new RemoteError(kind, message));

    /// <summary>Carries this failure over to a result of another type.</summary>
    public RemoteResult<TOther> Cast<TOther>() =>
        Succeeded ? throw new InvalidOperationException("Only a failed result can be cast.") : RemoteResult<TOther>.Failure(Error);

    public static implicit operator RemoteResult<T>(T value) => Success(value);
    public static implicit operator RemoteResult<T>(RemoteError error) => Failure(error);

    public override string ToString() => Succeeded ? $"Success: {Value}" : $"Failure: {Error}";
}

using System.Diagnostics.CodeAnalysis;

namespace Portal.Jobs.Kubernetes;

/// <summary>What went wrong talking to a Kubernetes API server (or reading a kubeconfig); the UI picks wording per kind.</summary>
public enum KubeErrorKind
{
    /// <summary>The kubeconfig or connection data is unusable (not YAML, missing pieces, unsupported authentication).</summary>
    InvalidConfiguration,
    /// <summary>The API server rejected the credentials (401).</summary>
    Unauthorized,
    /// <summary>Authenticated, but RBAC (or an admission rule) refused the call (403).</summary>
    Forbidden,
    /// <summary>The object, or the resource type itself, does not exist (404).</summary>
    NotFound,
    /// <summary>The object changed underneath, already exists, or a field is owned by another manager (409).</summary>
    Conflict,
    /// <summary>The API server refused the object as invalid (422, or 400 for a malformed request).</summary>
    Invalid,
    /// <summary>DNS failure, connection refused or reset: nothing reachable at the server address.</summary>
    Unreachable,
    /// <summary>The TLS handshake failed: an untrusted or mismatched server certificate, or a refused client certificate.</summary>
    TlsFailure,
    /// <summary>No answer within the request timeout.</summary>
    Timeout,
    /// <summary>The answer is not the JSON the Kubernetes API defines.</summary>
    Malformed,
    /// <summary>The API server failed (5xx) or kept throttling (429), even after retries.</summary>
    ServerError,
    /// <summary>Any other answer the client does not expect (405, 415, other 4xx).</summary>
    Unexpected,
}

/// <summary>A failure described for a person: what failed and what to check. Never contains a token or private key.</summary>
public sealed record KubeError(KubeErrorKind Kind, string Message)
{
    /// <summary>The HTTP status the API server answered with, when there was an answer.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The <c>reason</c> of the API server's Status object (e.g. AlreadyExists, Invalid, Conflict), when it sent one.</summary>
    public string? Reason { get; init; }

    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>The outcome of one Kubernetes call or kubeconfig parse: a value, or a typed <see cref="KubeError"/>.</summary>
public sealed class KubeResult<T>
{
    private KubeResult(T? value, KubeError? error)
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
    public KubeError? Error { get; }

    /// <summary>Whether the call failed because the object (or its resource type) does not exist.</summary>
    public bool IsNotFound => Error?.Kind == KubeErrorKind.NotFound;

    public static KubeResult<T> Success(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(value, null);
    }

    public static KubeResult<T> Failure(KubeError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(default, error);
    }

    public static KubeResult<T> Failure(KubeErrorKind kind, string message) => Failure(new KubeError(kind, message));

    /// <summary>Carries this failure over to a result of another type.</summary>
    public KubeResult<TOther> Cast<TOther>() =>
        Succeeded ? throw new InvalidOperationException("Only a failed result can be cast.") : KubeResult<TOther>.Failure(Error);

    public static implicit operator KubeResult<T>(T value) => Success(value);
    public static implicit operator KubeResult<T>(KubeError error) => Failure(error);

    public override string ToString() => Succeeded ? $"Success: {Value}" : $"Failure: {Error}";
}

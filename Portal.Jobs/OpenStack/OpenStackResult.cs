using System.Diagnostics.CodeAnalysis;

namespace Portal.Jobs.OpenStack;

/// <summary>What went wrong talking to a cloud; the UI picks its wording and hints per kind.</summary>
public enum OpenStackErrorKind
{
    /// <summary>The connection data itself is wrong (bad URL, missing credential field, unreadable CA bundle).</summary>
    InvalidConfiguration,
    /// <summary>Keystone rejected the credentials (401).</summary>
    Unauthorized,
    /// <summary>Authenticated, but the user lacks a role for the call (403).</summary>
    Forbidden,
    /// <summary>Nothing answers at that path (404), e.g. no Keystone v3 at the auth URL.</summary>
    NotFound,
    /// <summary>The service catalog has no such service type (or not with the requested interface).</summary>
    ServiceMissing,
    /// <summary>The service exists, but not in the requested region.</summary>
    RegionMissing,
    /// <summary>DNS failure, connection refused or reset: nothing reachable at the address.</summary>
    Unreachable,
    /// <summary>The TLS handshake failed, usually an untrusted or mismatched server certificate.</summary>
    TlsFailure,
    /// <summary>No answer within the request timeout.</summary>
    Timeout,
    /// <summary>The answer is not the JSON the API defines (invalid JSON, missing fields).</summary>
    Malformed,
    /// <summary>The service failed (5xx) or kept rate-limiting (429), even after retries.</summary>
    ServerError,
    /// <summary>Any other answer the client does not expect.</summary>
    Unexpected,
}

/// <summary>A failure described for a person: what failed and what to check. Never contains a secret or token.</summary>
public sealed record OpenStackError(OpenStackErrorKind Kind, string Message)
{
    /// <summary>The HTTP status the cloud answered with, when there was an answer.</summary>
    public int? StatusCode { get; init; }

    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>The outcome of one OpenStack call: a value, or a typed <see cref="OpenStackError"/>.</summary>
public sealed class OpenStackResult<T>
{
    private OpenStackResult(T? value, OpenStackError? error)
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
    public OpenStackError? Error { get; }

    public static OpenStackResult<T> Success(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(value, null);
    }

    public static OpenStackResult<T> Failure(OpenStackError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(default, error);
    }

    public static OpenStackResult<T> Failure(OpenStackErrorKind kind, string message) => Failure(new OpenStackError(kind, message));

    /// <summary>Carries this failure over to a result of another type.</summary>
    public OpenStackResult<TOther> Cast<TOther>() =>
        Succeeded ? throw new InvalidOperationException("Only a failed result can be cast.") : OpenStackResult<TOther>.Failure(Error);

    public static implicit operator OpenStackResult<T>(T value) => Success(value);
    public static implicit operator OpenStackResult<T>(OpenStackError error) => Failure(error);

    public override string ToString() => Succeeded ? $"Success: {Value}" : $"Failure: {Error}";
}

namespace Portal.Domain.Common;

/// <summary>Why a request was refused. The UI maps each kind to how it presents the refusal.</summary>
public enum RefusalKind
{
    /// <summary>The input breaks a rule; <see cref="Refusal.Field"/> names the field (by its <see cref="FieldKey"/>) when there is one.</summary>
    Invalid,
    NotFound,
    /// <summary>The request clashes with existing data (a duplicate name, dependents that block a delete).</summary>
    Conflict,
    /// <summary>The actor's roles do not allow this.</summary>
    Forbidden,
    /// <summary>Someone else changed the record since the actor loaded it.</summary>
    Concurrency,
}

/// <summary>An expected refusal with a reason a person can act on.</summary>
public sealed record Refusal(RefusalKind Kind, string Message, FieldKey? Field = null)
{
    public static Refusal Invalid(FieldKey field, string message) => new(RefusalKind.Invalid, message, field);
    public static Refusal NotFound(string what) => new(RefusalKind.NotFound, $"{what} was not found. It may have been deleted.");
    public static Refusal Conflict(string message, FieldKey? field = null) => new(RefusalKind.Conflict, message, field);
    public static Refusal Forbidden(string message = "You do not have permission to do this.") => new(RefusalKind.Forbidden, message);
    public static Refusal Concurrency(string what) =>
        new(RefusalKind.Concurrency, $"{what} was changed by someone else since you opened it. Reload it and apply your change again.");
}

/// <summary>The outcome of a command: success, or a typed refusal.</summary>
public class Result
{
    protected Result(Refusal? refusal) => Refusal = refusal;

    public Refusal? Refusal { get; }
    public bool Succeeded => Refusal is null;

    public static Result Ok() => new(null);
    public static Result Refused(Refusal refusal) => new(refusal);

    public static implicit operator Result(Refusal refusal) => new(refusal);
}

public sealed class Result<T> : Result
{
    private Result(T? value, Refusal? refusal) : base(refusal) => Value = value;

    /// <summary>The value; only meaningful when <see cref="Result.Succeeded"/>.</summary>
    public T? Value { get; }

    public static Result<T> Ok(T value) => new(value, null);
    public static new Result<T> Refused(Refusal refusal) => new(default, refusal);

    public static implicit operator Result<T>(T value) => Ok(value);
    public static implicit operator Result<T>(Refusal refusal) => Refused(refusal);
}

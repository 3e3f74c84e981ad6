namespace Portal.Tests.Support;

/// <summary>
/// A clock that only moves when a test moves it, so timestamps (audit entries, creation times) are exact.
/// Timers are not supported: nothing in the domain layer schedules any.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now;

    /// <summary>Starts at <paramref name="start"/> (UTC), or at the current second when none is given.</summary>
    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        var initial = start ?? DateTimeOffset.UtcNow;
        // Whole seconds: the database stores instants at 0.1 ms precision, so round-trips compare equal.
        _now = new DateTimeOffset(initial.UtcTicks - initial.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
            return _now;
    }

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (_lock)
            _now += by;
    }

    public void SetUtcNow(DateTimeOffset now)
    {
        lock (_lock)
            _now = now.ToUniversalTime();
    }
}

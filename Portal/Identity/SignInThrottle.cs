using System.Threading.RateLimiting;
using Portal.Domain.Common;

namespace Portal.Identity;

/// <summary>Configuration section <c>SignIn</c>: the throttles of local sign-in and how often live pages re-check their session.</summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "SignIn";
    public int AttemptsPerAddressPerMinute { get; set; } = Limits.SignInAttemptsPerAddressPerMinute;
    public int MaxFailedPerAccountAndAddress { get; set; } = Limits.MaxFailedSignIns;
    public TimeSpan FailureWindow { get; set; } = Limits.SignInFailureWindow;
    public int MaxFailedPerAccountPerHour { get; set; } = Limits.MaxFailedSignInsPerAccountPerHour;
    public TimeSpan SessionRevalidationInterval { get; set; } = Limits.SessionRevalidationInterval;
}

/// <summary>Why an attempt may not even be checked, and when to try again.</summary>
public sealed record SignInWait(SignInWaitReason Reason, TimeSpan RetryAfter);

public enum SignInWaitReason { Address, Account }

/// <summary>
/// The throttles in front of the password check, on ASP.NET Core's rate limiters (in this process; every replica keeps
/// its own). Wrong passwords never lock an account: they make that email wait at the address they came from, and only
/// a flood from many addresses (over the hourly ceiling) makes it wait everywhere. Known and unknown emails are
/// throttled alike, so the answers say nothing about which accounts exist.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _failuresPerAccountAndAddress;
    private readonly PartitionedRateLimiter<string> _failuresPerAccount;

    public SignInThrottle(SignInThrottleOptions options)
    {
        _perAddress = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = options.AttemptsPerAddressPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        _failuresPerAccountAndAddress = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key,
            _ => new SlidingWindowRateLimiterOptions { PermitLimit = options.MaxFailedPerAccountAndAddress, Window = options.FailureWindow, SegmentsPerWindow = 5, QueueLimit = 0 }));
        _failuresPerAccount = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key,
            _ => new SlidingWindowRateLimiterOptions { PermitLimit = options.MaxFailedPerAccountPerHour, Window = TimeSpan.FromHours(1), SegmentsPerWindow = 6, QueueLimit = 0 }));
    }

    /// <summary>Takes one attempt from the address's budget and checks the email's; null when the password may be checked.</summary>
    public SignInWait? TryBegin(string address, string email)
    {
        using (var lease = _perAddress.AttemptAcquire(address))
            if (!lease.IsAcquired) return new SignInWait(SignInWaitReason.Address, RetryAfter(lease, TimeSpan.FromMinutes(1)));
        // Zero permits asks whether any are left without spending one: only failures spend the email's budgets.
        using (var lease = _failuresPerAccountAndAddress.AttemptAcquire(Pair(address, email), 0))
            if (!lease.IsAcquired) return new SignInWait(SignInWaitReason.Account, RetryAfter(lease, Limits.SignInFailureWindow));
        using (var lease = _failuresPerAccount.AttemptAcquire(Key(email), 0))
            if (!lease.IsAcquired) return new SignInWait(SignInWaitReason.Account, RetryAfter(lease, TimeSpan.FromHours(1)));
        return null;
    }

    /// <summary>Counts a wrong password (or an unknown email) against the email at this address and everywhere.</summary>
    public void Failed(string address, string email)
    {
        _failuresPerAccountAndAddress.AttemptAcquire(Pair(address, email)).Dispose();
        _failuresPerAccount.AttemptAcquire(Key(email)).Dispose();
    }

    private static string Key(string email) => email.Trim().ToUpperInvariant();
    private static string Pair(string address, string email) => $"{address}\n{Key(email)}";

    private static TimeSpan RetryAfter(RateLimitLease lease, TimeSpan fallback) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : fallback;

    public void Dispose()
    {
        _perAddress.Dispose();
        _failuresPerAccountAndAddress.Dispose();
        _failuresPerAccount.Dispose();
    }
}

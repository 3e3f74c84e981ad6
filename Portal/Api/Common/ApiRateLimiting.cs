using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Portal.Api.Common;

/// <summary>Per-token request limits (<c>Api:RateLimit:*</c>): a token bucket per token, refilled continuously.</summary>
public sealed class ApiRateLimitOptions
{
    public const string Section = "Api:RateLimit";

    /// <summary>Requests a token may make in a burst.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests per second a token may sustain.</summary>
    public int PerSecond { get; set; } = 50;
}

/// <summary>
/// Rate limiting per API token. A token over its limit gets <c>429</c> with <c>Retry-After</c> (whole seconds until a
/// request is allowed again) and a problem document; other tokens are unaffected. The limit is per replica: behind a
/// load balancer the effective limit is the sum over replicas.
/// </summary>
public static class ApiRateLimiting
{
    public const string Policy = "api-token";

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services, ApiRateLimitOptions options)
    {
        if (options.Burst < 1 || options.PerSecond < 1)
            throw new InvalidOperationException($"{ApiRateLimitOptions.Section}: Burst and PerSecond must be at least 1.");
        return services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, http =>
            {
                var tokenId = http.User.FindFirst(ApiTokenIdentity.TokenIdClaim)?.Value;
                // Anonymous requests never get this far (the group requires a token); keyed apart all the same.
                return RateLimitPartition.GetTokenBucketLimiter(tokenId ?? "anonymous", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.PerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                // The body is the API's problem document, written by ApiErrorMiddleware for the bare 429.
                return ValueTask.CompletedTask;
            };
        });
    }
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Api;

/// <summary>Per-token rate limiting: a token over its burst gets 429 with Retry-After; another token is unaffected.</summary>
public sealed class ApiRateLimitTests(ApiRateLimitTests.SmallLimitPortal portal) : IClassFixture<ApiRateLimitTests.SmallLimitPortal>
{
    public const int Burst = 3;

    /// <summary>A burst of three, then one request a second.</summary>
    public sealed class SmallLimitPortal : ApiPortal
    {
        protected override void ConfigureSettings(IWebHostBuilder builder)
        {
            builder.UseSetting("Api:RateLimit:Burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Api:RateLimit:PerSecond", "1");
        }
    }

    private async Task<HttpClient> ClientAsync(string email)
    {
        var id = await portal.CreateUserAsync(email);
        var tokens = portal.Services.GetRequiredService<ApiTokenService>();
        var created = (await tokens.CreatePersonalTokenAsync(new Actor(id, email, PlatformRole.None), "limited", DateTimeOffset.UtcNow.AddDays(1),
            ApiScope.ReadOnly, [])).ShouldSucceed();
        var client = portal.CreatePortalClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.PlainText);
        return client;
    }

    [Fact]
    public async Task AnyRoute_TokenBeyondItsBurst_TooManyRequestsWithRetryAfter_OtherTokenUnaffected()
    {
        using var busy = await ClientAsync("busy@portal.test");
        using var calm = await ClientAsync("calm@portal.test");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < Burst + 2 && limited is null; i++)
        {
            var response = await busy.GetAsync("/api/v1/me");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else response.Dispose();
        }

        Assert.True(limited is not null, $"never limited: {string.Join(", ", statuses)}");
        using (limited)
        {
            await limited.ProblemAsync(HttpStatusCode.TooManyRequests, ApiProblemCodes.RateLimited);
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.True(retryAfter is { TotalSeconds: >= 1 and <= 2 }, $"Retry-After: {limited.Headers.RetryAfter}");
        }
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= Burst - 1, string.Join(", ", statuses));
        using var other = await calm.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}

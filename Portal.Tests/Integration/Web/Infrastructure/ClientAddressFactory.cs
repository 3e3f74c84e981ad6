using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Portal.Domain.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Tests.Integration.Web.Infrastructure;

/// <summary>
/// The portal with its real sign-in throttles, where a test chooses the client address of each request (the
/// <see cref="AddressHeader"/> header; the in-memory server has no address of its own), as requests from several
/// networks would arrive.
/// </summary>
public sealed class ClientAddressFactory : PortalWebFactory
{
    public const string AddressHeader = "X-Test-Client-Address";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("SignIn:AttemptsPerAddressPerMinute", Portal.Domain.Common.Limits.SignInAttemptsPerAddressPerMinute.ToString());
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
        builder.ConfigureTestServices(services => services.AddSingleton<IPasswordHasher<PortalUser>, CountingHasher>());
    }

    /// <summary>An HTTP client whose requests come from <paramref name="address"/>.</summary>
    public HttpClient CreateClientAt(string address)
    {
        var client = CreatePortalClient();
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return client;
    }

    private sealed class ClientAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(AddressHeader, out var value) && IPAddress.TryParse(value, out var address))
                    context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>Identity's own hasher, counting verifications (how the answer's cost is observed without timing it).</summary>
public sealed class CountingHasher : IPasswordHasher<PortalUser>
{
    private readonly PasswordHasher<PortalUser> _inner = new();
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    public string HashPassword(PortalUser user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

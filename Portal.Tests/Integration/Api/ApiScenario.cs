using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.DemoCloud.Kubernetes;
using Portal.Domain.Api;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Api;

/// <summary>The real application for API tests: instant demo controllers and fast polls, so work started over HTTP finishes in moments.</summary>
public class ApiPortal : PortalWebFactory
{
    /// <summary>Every API response this portal sent (see <see cref="WireProblemsAsync"/>).</summary>
    public ApiExchangeRecorder Recorder { get; } = new();

    /// <summary>Whatever recorded responses the OpenAPI document does not describe (empty: the wire is what it says).</summary>
    public async Task<IReadOnlyList<string>> WireProblemsAsync()
    {
        using var client = CreatePortalClient();
        var text = await client.GetStringAsync("/openapi/v1.json");
        using var document = JsonDocument.Parse(text);
        return new OpenApiConformance(document.RootElement.Clone()).Check(Recorder.Exchanges.ToList());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Clusters:PollInterval", "00:00:00.020");
        builder.UseSetting("Clusters:FaultConfirmation", "00:00:00.200");
        builder.UseSetting("Databases:PollInterval", "00:00:00.020");
        builder.UseSetting("Databases:FaultConfirmation", "00:00:00.200");
        builder.UseSetting("Databases:SettleTime", "00:00:00.100");
        ConfigureSettings(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(Recorder);
            var demo = services.Single(d => d.ServiceType == typeof(DemoKubernetesOptions)).ImplementationInstance as DemoKubernetesOptions;
            services.Replace(ServiceDescriptor.Singleton(new DemoKubernetesOptions
            {
                Tick = TimeSpan.FromMilliseconds(20),
                Delays = DemoControllerDelays.Instant,
                Latency = TimeSpan.Zero,
                StateFolder = demo?.StateFolder,
            }));
        });
    }

    /// <summary>More settings for a derived portal (a rate limit, a token lifetime...).</summary>
    protected virtual void ConfigureSettings(IWebHostBuilder builder)
    {
    }
}

/// <summary>
/// A seeded portal for API tests. The demo cloud is registered with its catalog imported, and a Service Config
/// ("Standard", offered to every tenant) holds an MKS platform. There are two tenants:
/// <list type="bullet">
/// <item>Acme, with project "web": an admin, a member and a viewer;</item>
/// <item>Globex, with project "shop": a member (the outsider for Acme).</item>
/// </list>
/// Besides these, there is a platform viewer and the bootstrap platform admin. Each person gets a read-write token
/// (<see cref="Client"/>). Use one scenario per test class (<c>IClassFixture&lt;ApiScenario&gt;</c>) and create what a
/// test changes under names of its own.
/// </summary>
public class ApiScenario : IAsyncLifetime
{
    public ApiPortal Portal { get; } = new();

    public IServiceProvider Services => Portal.Services;
    public Actor Admin { get; private set; } = null!;
    public Actor PlatformViewer { get; private set; } = null!;
    public Actor AcmeAdmin { get; private set; } = null!;
    public Actor AcmeMember { get; private set; } = null!;
    public Actor AcmeViewer { get; private set; } = null!;
    public Actor GlobexMember { get; private set; } = null!;
    public Guid InfrastructureId { get; private set; }
    public Guid ConfigId { get; private set; }
    public Guid MksId { get; private set; }
    public Guid AcmeId { get; private set; }
    public Guid GlobexId { get; private set; }
    public Guid WebProjectId { get; private set; }
    public Guid ShopProjectId { get; private set; }

    private readonly Dictionary<string, string> _tokens = [];

    public virtual async Task InitializeAsync()
    {
        _ = Portal.Server;
        Admin = await Portal.AdminActorAsync();
        PlatformViewer = await AddUserAsync("viewer@platform.test", PlatformRole.Viewer);
        AcmeAdmin = await AddUserAsync("admin@acme.test");
        AcmeMember = await AddUserAsync("member@acme.test");
        AcmeViewer = await AddUserAsync("viewer@acme.test");
        GlobexMember = await AddUserAsync("member@globex.test");

        var infrastructures = Services.GetRequiredService<InfrastructureService>();
        var request = new RegistrationRequest("Demo", null, InfrastructureProvider.Demo, Placement.NewRegionAndZone("Region Demo", "zone-a"), null, null,
            new ConnectionCheck(true, "Authenticated; demo."), [], []);
        InfrastructureId = (await infrastructures.RegisterAsync(Admin, request)).ShouldSucceed();
        var cloud = Services.GetRequiredService<CloudCatalogReader>();
        var listing = (await cloud.ReadAsync(Admin, InfrastructureId)).ShouldSucceed();
        (await Services.GetRequiredService<CatalogService>().ImportAsync(Admin, InfrastructureId, listing.Flavors, listing.Images)).ShouldSucceed();
        var configs = Services.GetRequiredService<ServiceConfigService>();
        ConfigId = (await configs.CreateAsync(Admin, InfrastructureId, "Standard", null, true, [])).ShouldSucceed();
        (await Services.GetRequiredService<PlatformCommands>().CreateMksAsync(Admin, ConfigId, listing.ExternalNetworks[0].Id)).ShouldSucceed();

        await using var db = NewContext();
        MksId = await db.ServicePlatforms.Where(p => p.ServiceConfigId == ConfigId && p.Kind == PlatformKind.Mks).Select(p => p.Id).SingleAsync();
        var now = DateTimeOffset.UtcNow;
        var acme = Tenant.Create("Acme", null, null, now).ShouldSucceed();
        var globex = Tenant.Create("Globex", null, null, now).ShouldSucceed();
        var web = Project.Create(acme.Id, "web", null, now).ShouldSucceed();
        var shop = Project.Create(globex.Id, "shop", null, now).ShouldSucceed();
        db.AddRange(acme, globex, web, shop);
        db.Memberships.AddRange(
            new TenantMembership(acme.Id, AcmeAdmin.UserId, TenantRole.Admin, now),
            new TenantMembership(acme.Id, AcmeMember.UserId, TenantRole.Member, now),
            new TenantMembership(acme.Id, AcmeViewer.UserId, TenantRole.Viewer, now),
            new TenantMembership(globex.Id, GlobexMember.UserId, TenantRole.Member, now));
        await db.SaveChangesAsync();
        (AcmeId, GlobexId, WebProjectId, ShopProjectId) = (acme.Id, globex.Id, web.Id, shop.Id);
    }

    /// <summary>
    /// Before the portal goes: every response the class's tests received must match the OpenAPI document, whatever
    /// they tested — a mismatch fails the class.
    /// </summary>
    public virtual async Task DisposeAsync()
    {
        try
        {
            var problems = await Portal.WireProblemsAsync();
            Assert.True(problems.Count == 0, "Responses the OpenAPI document does not describe:\n" + string.Join("\n", problems.Take(40)));
        }
        finally
        {
            await Portal.DisposeAsync();
        }
    }

    public PortalDbContext NewContext() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public async Task<Actor> AddUserAsync(string email, PlatformRole role = PlatformRole.None)
    {
        var id = await Portal.CreateUserAsync(email, role, displayName: email);
        return new Actor(id, email, role);
    }

    /// <summary>A new personal token of <paramref name="person"/>'s (its text).</summary>
    public async Task<string> TokenAsync(Actor person, ApiScope scope = ApiScope.ReadWrite, IReadOnlyCollection<Guid>? tenants = null, string? name = null)
    {
        var tokens = Services.GetRequiredService<ApiTokenService>();
        var created = (await tokens.CreatePersonalTokenAsync(person with { Credential = null }, name ?? "t-" + Guid.NewGuid().ToString("N")[..8],
            DateTimeOffset.UtcNow.AddDays(7), scope, tenants ?? [])).ShouldSucceed();
        return created.PlainText;
    }

    /// <summary>An HTTP client with <paramref name="person"/>'s read-write token (one token per person, made once).</summary>
    public async Task<HttpClient> Client(Actor person)
    {
        if (!_tokens.TryGetValue(person.UserId, out var token))
            _tokens[person.UserId] = token = await TokenAsync(person, name: "tests");
        return ClientWith(token);
    }

    /// <summary>An HTTP client presenting <paramref name="token"/> (null: no Authorization header).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = Portal.CreatePortalClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>Reading API answers in tests.</summary>
public static class ApiAssert
{
    /// <summary>The JSON body of a response with <paramref name="status"/> (the body is in the failure message otherwise).</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem document with this status, code and (when given) field; returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("code").GetString() == code, $"expected code {code}: {text}");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), text);
        if (field is not null)
            Assert.True(problem.TryGetProperty("field", out var f) && f.GetString() == field, $"expected field {field}: {text}");
        return problem;
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string path, T body, string? idempotencyKey = null, string? ifMatch = null) =>
        SendJsonAsync(client, HttpMethod.Post, path, body, idempotencyKey, ifMatch);

    public static Task<HttpResponseMessage> PatchJsonAsync<T>(this HttpClient client, string path, T body, string? idempotencyKey = null, string? ifMatch = null) =>
        SendJsonAsync(client, HttpMethod.Patch, path, body, idempotencyKey, ifMatch);

    public static async Task<HttpResponseMessage> SendJsonAsync<T>(this HttpClient client, HttpMethod method, string path, T body, string? idempotencyKey = null,
        string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> DeleteAsync(this HttpClient client, string path, string? ifMatch, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }
}

/// <summary>One route of the API: its method and its template with constraints stripped (<c>{id:guid}</c> → <c>{id}</c>).</summary>
public sealed record ApiRoute(string Method, string Template)
{
    public string Key => $"{Method} {Template}";

    /// <summary>Every route under /api/v1 of the running application.</summary>
    public static IReadOnlyList<ApiRoute> All(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints.OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.OrdinalIgnoreCase) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => new ApiRoute(m, Strip(e.RoutePattern.RawText!))))
            .Distinct().OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();

    private static string Strip(string raw)
    {
        var text = new System.Text.StringBuilder();
        var skipping = false;
        foreach (var c in raw.TrimEnd('/'))
        {
            if (c is '{' or '}') skipping = false;
            else if (c == ':' && text.ToString().LastIndexOf('{') > text.ToString().LastIndexOf('}')) skipping = true;
            if (!skipping) text.Append(c);
        }
        return text.ToString();
    }
}

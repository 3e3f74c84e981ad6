using System.Net;
using System.Text.Json;
using Portal.Api.Common;

namespace Portal.Tests.Integration.Api;

/// <summary>What every endpoint of the API shares: problem documents for every error, the OpenAPI document.</summary>
public sealed class ApiConventionsTests(ApiScenario scenario) : IClassFixture<ApiScenario>
{
    [Fact]
    public async Task AnyRoute_NoToken_UnauthorizedProblemWithBearerChallenge()
    {
        using var client = scenario.ClientWith(null);

        using var response = await client.GetAsync("/api/v1/me");

        await response.ProblemAsync(HttpStatusCode.Unauthorized, ApiProblemCodes.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task AnyRoute_UnknownToken_UnauthorizedProblemSayingTheTokenIsNotValid()
    {
        using var client = scenario.ClientWith("ptl_" + new string('z', 40));

        using var response = await client.GetAsync("/api/v1/me");

        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized, ApiProblemCodes.Unauthorized);
        Assert.Contains("not valid", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_WithToken_NotFoundProblemNotTheHtmlPage()
    {
        using var client = await scenario.Client(scenario.AcmeMember);

        using var response = await client.GetAsync("/api/v1/no-such-thing");

        await response.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    [Fact]
    public async Task GetMe_Token_SaysWhoAndWhichScopeInCamelCase()
    {
        using var client = await scenario.Client(scenario.AcmeMember);

        var me = await (await client.GetAsync("/api/v1/me")).JsonAsync();

        Assert.Equal(scenario.AcmeMember.UserId, me.GetProperty("id").GetString());
        Assert.Equal("readWrite", me.GetProperty("token").GetProperty("scope").GetString());
        Assert.Equal("none", me.GetProperty("platformRole").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_Anonymous_IsOpenApi31WithTheBearerScheme()
    {
        using var client = scenario.ClientWith(null);

        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();

        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("http", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/me", out _));
        // A request body's nullable members may be left out: none of a tenant's is required of the client.
        var create = document.GetProperty("components").GetProperty("schemas").GetProperty("CreateTenantRequest");
        Assert.True(!create.TryGetProperty("required", out var required) || required.GetArrayLength() == 0, create.ToString());
        // A response's members are always sent, nullable or not.
        var tenant = document.GetProperty("components").GetProperty("schemas").GetProperty("TenantResource");
        Assert.Contains("whyNotDelete", tenant.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task OpenApiDocument_ResponsesOfEveryKind_AllMatchTheDocument()
    {
        using var member = await scenario.Client(scenario.AcmeMember);
        using var anonymous = scenario.ClientWith(null);
        (await member.GetAsync("/api/v1/me")).Dispose();
        (await member.GetAsync("/api/v1/tenants")).Dispose();
        (await member.GetAsync($"/api/v1/tenants/{Guid.NewGuid()}")).Dispose();
        (await member.GetAsync("/api/v1/projects?pageSize=0")).Dispose();
        (await member.PostJsonAsync("/api/v1/tenants", new { name = "x" })).Dispose();
        (await anonymous.GetAsync("/api/v1/tenants")).Dispose();

        var problems = await scenario.Portal.WireProblemsAsync();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(scenario.Portal.Recorder.Exchanges.Count >= 6);
    }

    [Fact]
    public async Task OpenApiDocument_EveryRouteOfTheApi_IsListedWithItsMethod()
    {
        using var client = scenario.ClientWith(null);
        var paths = (await (await client.GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");

        var routes = ApiRoute.All(scenario.Services);
        var missing = routes.Where(r => !paths.TryGetProperty(r.Template, out var item) || !item.TryGetProperty(r.Method.ToLowerInvariant(), out _))
            .Select(r => r.Key).ToList();

        Assert.True(routes.Count > 60, $"only {routes.Count} routes found");
        Assert.True(missing.Count == 0, "Routes the OpenAPI document does not list: " + string.Join(", ", missing));
    }
}

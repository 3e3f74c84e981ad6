using Portal.Jobs;
using System.Text.Json.Nodes;
using Portal.Jobs.OpenStack;

namespace Portal.Tests.Unit.OpenStack;

/// <summary>Picking a service's endpoint from the catalog by type, region and interface.</summary>
public sealed class OpenStackEndpointSelectionTests
{
    /// <summary>
    /// Two regions; compute in both with distinct public/internal/admin hosts, image only in RegionOne,
    /// network only with a public endpoint, no volume service.
    /// </summary>
    private static FakeOpenStack TwoRegionCloud(Action<JsonArray>? editCatalog = null)
    {
        var catalog = new JsonArray
        {
            Service("identity", ("public", "RegionOne", "http://127.0.0.1:5000")),
            Service("compute",
                ("public", "RegionOne", "http://10.1.0.1:8774/v2.1"),
                ("internal", "RegionOne", "http://10.1.0.2:8774/v2.1"),
                ("public", "RegionTwo", "http://10.2.0.1:8774/v2.1"),
                ("internal", "RegionTwo", "http://10.2.0.2:8774/v2.1"),
                ("admin", "RegionTwo", "http://10.2.0.3:8774/v2.1")),
            Service("image", ("public", "RegionOne", "http://10.1.0.1:9292")),
            Service("network", ("public", "RegionOne", "http://10.1.0.1:9696"), ("public", "RegionTwo", "http://10.2.0.1:9696")),
        };
        editCatalog?.Invoke(catalog);
        var token = OpenStackFixtures.Node("token_password.json");
        token["token"]!["catalog"] = catalog;
        return new FakeOpenStack()
            .On(HttpMethod.Post, 5000, "/v3/auth/tokens", () => Reply.Token(token.ToJsonString(), "tok-abcdef"))
            .On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", () => Reply.Fixture("flavors_detail.json"))
            .On(HttpMethod.Get, 8774, "/v2.1/limits", () => Reply.Fixture("limits.json"))
            .On(HttpMethod.Get, 9292, "/v2/images", () => Reply.Fixture("images.json"))
            .On(HttpMethod.Get, 9696, "/v2.0/networks", () => Reply.Fixture("networks_external.json"));
    }

    private static JsonObject Service(string type, params (string Interface, string Region, string Url)[] endpoints) => new()
    {
        ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("N"),
            ["interface"] = e.Interface,
            ["region_id"] = e.Region,
            ["url"] = e.Url,
            ["region"] = e.Region,
        }).ToArray()),
        ["id"] = Guid.NewGuid().ToString("N"),
        ["type"] = type,
        ["name"] = type,
    };

    [Theory]
    [InlineData("RegionOne", EndpointInterface.Public, "10.1.0.1")]
    [InlineData("RegionOne", EndpointInterface.Internal, "10.1.0.2")]
    [InlineData("RegionTwo", EndpointInterface.Public, "10.2.0.1")]
    [InlineData("RegionTwo", EndpointInterface.Internal, "10.2.0.2")]
    [InlineData("regiontwo", EndpointInterface.Admin, "10.2.0.3")]
    public async Task ListFlavorsAsync_RegionAndInterface_CallTheMatchingEndpoint(string region, EndpointInterface endpointInterface, string host)
    {
        var cloud = TwoRegionCloud();
        var client = TestClients.Create(cloud, TestClients.Connection(region: region, endpointInterface: endpointInterface));

        var result = await client.ListFlavorsAsync();

        Assert.True(result.Succeeded, result.ToString());
        var get = cloud.Requests.Single(r => r.Method == HttpMethod.Get);
        Assert.Equal($"http://{host}:8774/v2.1/flavors/detail?limit=1000", get.Url.ToString());
    }

    [Fact]
    public async Task ListFlavorsAsync_NoRegionGiven_UsesTheFirstEndpointWithTheInterface()
    {
        var cloud = TwoRegionCloud();
        var client = TestClients.Create(cloud, TestClients.Connection(region: null));

        Assert.True((await client.ListFlavorsAsync()).Succeeded);

        Assert.Equal("10.1.0.1", cloud.Requests.Single(r => r.Method == HttpMethod.Get).Url.Host);
    }

    [Fact]
    public async Task AuthenticateAsync_Region_ListsOnlyServicesUsableThere()
    {
        var client = TestClients.Create(TwoRegionCloud(), TestClients.Connection(region: "RegionTwo"));

        var summary = (await client.AuthenticateAsync()).Value!;

        Assert.Equal(["compute", "network"], summary.ServiceTypes);
        Assert.Equal(["RegionOne", "RegionTwo"], summary.Regions);
    }

    [Fact]
    public async Task ListExternalNetworksAsync_ServiceNotInCatalog_IsServiceMissingNamingTheType()
    {
        var cloud = TwoRegionCloud(catalog => catalog.RemoveAt(3));
        var client = TestClients.Create(cloud);

        var result = await client.ListExternalNetworksAsync();

        Assert.Equal(RemoteErrorKind.ServiceMissing, result.Error?.Kind);
        Assert.Contains("\"network\"", result.Error!.Message);
        Assert.Contains("Neutron", result.Error.Message);
        Assert.Contains("compute, identity, image", result.Error.Message);
        Assert.DoesNotContain(cloud.Requests, r => r.Url.Port == 9696);
    }

    [Fact]
    public async Task ListImagesAsync_ServiceOnlyInAnotherRegion_IsRegionMissingNamingTheRegionsThatExist()
    {
        var client = TestClients.Create(TwoRegionCloud(), TestClients.Connection(region: "RegionTwo"));

        var result = await client.ListImagesAsync();

        Assert.Equal(RemoteErrorKind.RegionMissing, result.Error?.Kind);
        Assert.Contains("\"image\"", result.Error!.Message);
        Assert.Contains("RegionTwo", result.Error.Message);
        Assert.Contains("RegionOne", result.Error.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_RegionUnknownToTheWholeCatalog_IsRegionMissingNamingTheRegions()
    {
        var client = TestClients.Create(TwoRegionCloud(), TestClients.Connection(region: "RegionThree"));

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.RegionMissing, result.Error?.Kind);
        Assert.Contains("\"RegionThree\"", result.Error!.Message);
        Assert.Contains("RegionOne, RegionTwo", result.Error.Message);
    }

    [Fact]
    public async Task ListExternalNetworksAsync_InterfaceNotOffered_IsServiceMissingNamingTheOfferedInterfaces()
    {
        var client = TestClients.Create(TwoRegionCloud(), TestClients.Connection(endpointInterface: EndpointInterface.Internal));

        var result = await client.ListExternalNetworksAsync();

        Assert.Equal(RemoteErrorKind.ServiceMissing, result.Error?.Kind);
        Assert.Contains("no internal endpoint", result.Error!.Message);
        Assert.Contains("public", result.Error.Message);
    }

    [Fact]
    public async Task ListCalls_EndpointsWithOrWithoutVersions_BuildTheVersionedPaths()
    {
        var cloud = TwoRegionCloud(catalog =>
        {
            catalog[1] = Service("compute", ("public", "RegionOne", "http://10.1.0.1:8774/"));
            catalog[2] = Service("image", ("public", "RegionOne", "http://10.1.0.1:9292/v2/"));
            catalog[3] = Service("network", ("public", "RegionOne", "http://10.1.0.1:9696/v2.0"));
        });
        var client = TestClients.Create(cloud);

        Assert.True((await client.ListFlavorsAsync()).Succeeded);
        Assert.True((await client.GetComputeLimitsAsync()).Succeeded);
        Assert.True((await client.ListImagesAsync()).Succeeded);
        Assert.True((await client.ListExternalNetworksAsync()).Succeeded);

        var paths = cloud.Requests.Where(r => r.Method == HttpMethod.Get).Select(r => r.PathAndQuery).ToArray();
        Assert.Equal(["/v2.1/flavors/detail?limit=1000", "/v2.1/limits", "/v2/images?limit=1000", "/v2.0/networks?router:external=true"], paths);
    }

    [Fact]
    public async Task ListFlavorsAsync_ComputeEndpointWithProjectId_KeepsTheProjectPath()
    {
        var cloud = TwoRegionCloud(catalog => catalog[1] = Service("compute", ("public", "RegionOne", "http://10.1.0.1:8774/v2.1/14c98814396541d78e9ae51d805147a6")));
        cloud.On(HttpMethod.Get, 8774, "/v2.1/14c98814396541d78e9ae51d805147a6/flavors/detail", () => Reply.Fixture("flavors_detail.json"));
        var client = TestClients.Create(cloud);

        var result = await client.ListFlavorsAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(3, result.Value.Count);
    }
}

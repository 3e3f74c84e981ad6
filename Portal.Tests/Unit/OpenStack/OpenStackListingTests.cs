using System.Text.Json.Nodes;
using Portal.Jobs.OpenStack;

namespace Portal.Tests.Unit.OpenStack;

/// <summary>Nova flavors and limits, Glance images, Neutron external networks, read from recorded response shapes.</summary>
public sealed class OpenStackListingTests
{
    /// <summary>The recorded flavor list cut into one-flavor pages linked the way Nova links them.</summary>
    private static FakeOpenStack PagedFlavors(bool finalPageFull)
    {
        var flavors = OpenStackFixtures.Node("flavors_detail.json")["flavors"]!.AsArray();
        var pages = flavors.Select(f => f!.DeepClone()).ToList();
        return FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", (request, _) =>
        {
            var query = request.Url.Query;
            var marker = query.Contains("marker=", StringComparison.Ordinal) ? query[(query.IndexOf("marker=", StringComparison.Ordinal) + 7)..].Split('&')[0] : null;
            var start = marker is null ? 0 : pages.FindIndex(f => (string?)f!["id"] == marker) + 1;
            var page = new JsonObject { ["flavors"] = new JsonArray(pages.Skip(start).Take(1).Select(f => f!.DeepClone()).ToArray()) };
            var hasMore = start < pages.Count - 1 || (finalPageFull && start < pages.Count);
            if (hasMore)
            {
                page["flavors_links"] = new JsonArray(new JsonObject
                {
                    ["href"] = $"http://127.0.0.1:8774/v2.1/flavors/detail?limit=1&marker={pages[start]!["id"]}",
                    ["rel"] = "next",
                });
            }
            return Reply.Json(page);
        });
    }

    [Fact]
    public async Task ListFlavorsAsync_ThreePagesWithNextLinks_ReturnsEveryFlavorInOrder()
    {
        var cloud = PagedFlavors(finalPageFull: false);
        var client = TestClients.Create(cloud);

        var result = await client.ListFlavorsAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(
            [new OsFlavor("1", "m1.tiny", 1, 512, 1, true), new OsFlavor("2", "m1.small", 1, 2048, 20, true), new OsFlavor("3", "m1.medium", 2, 4096, 40, true)],
            result.Value);
        var queries = cloud.Requests.Where(r => r.Method == HttpMethod.Get).Select(r => r.Url.Query).ToArray();
        Assert.Equal(["?limit=1000", "?limit=1&marker=1", "?limit=1&marker=2"], queries);
    }

    [Fact]
    public async Task ListFlavorsAsync_LastPageFullThenEmpty_StopsAtTheEmptyPage()
    {
        var cloud = PagedFlavors(finalPageFull: true);
        var client = TestClients.Create(cloud);

        var result = await client.ListFlavorsAsync();

        Assert.Equal(3, result.Value!.Count);
        Assert.Equal(4, cloud.Count(HttpMethod.Get, "/v2.1/flavors/detail"));
    }

    [Fact]
    public async Task ListFlavorsAsync_NextLinkRepeatsItsMarker_StopsInsteadOfLooping()
    {
        var page = OpenStackFixtures.Node("flavors_detail.json");
        page["flavors_links"] = new JsonArray(new JsonObject { ["rel"] = "next", ["href"] = "http://127.0.0.1:8774/v2.1/flavors/detail?marker=3" });
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", () => Reply.Json(page));
        var client = TestClients.Create(cloud);

        var result = await client.ListFlavorsAsync();

        Assert.Equal(3, result.Value!.Count);
        Assert.Equal(2, cloud.Count(HttpMethod.Get, "/v2.1/flavors/detail"));
    }

    [Fact]
    public async Task ListFlavorsAsync_MicroversionShapeAndPrivateFlavor_ReadsIsPublic()
    {
        var body = OpenStackFixtures.Node("flavors_detail_mv2.61.json");
        body["flavors"]![2]!["os-flavor-access:is_public"] = false;
        body["flavors"]![1]!["OS-FLV-DISABLED:disabled"] = true;
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", () => Reply.Json(body));
        var client = TestClients.Create(cloud);

        var flavors = (await client.ListFlavorsAsync()).Value!;

        Assert.Equal(["m1.tiny", "m1.medium"], flavors.Select(f => f.Name));
        Assert.False(flavors[1].IsPublic);
    }

    [Fact]
    public async Task ListImagesAsync_NextLinksRelativeToTheRoot_FollowsThemUnderTheEndpointPrefix()
    {
        // Glance behind a path prefix (as devstack deploys it); its next links are relative to the service root.
        var token = OpenStackFixtures.Node("token_password.json");
        foreach (var service in token["token"]!["catalog"]!.AsArray())
        {
            if ((string?)service!["type"] == "image")
            {
                foreach (var endpoint in service["endpoints"]!.AsArray())
                    endpoint!["url"] = "http://127.0.0.1:9292/image";
            }
        }
        var images = OpenStackFixtures.Node("images.json")["images"]!.AsArray().Select(i => i!.DeepClone()).ToList();
        var cloud = new FakeOpenStack()
            .On(HttpMethod.Post, 5000, "/v3/auth/tokens", () => Reply.Token(token.ToJsonString(), "tok-abcdef"))
            .On(HttpMethod.Get, 9292, "/image/v2/images", (request, _) =>
            {
                var marker = request.Url.Query.Split('&').FirstOrDefault(p => p.TrimStart('?').StartsWith("marker=", StringComparison.Ordinal))?.Split('=')[1];
                var start = marker is null ? 0 : images.FindIndex(i => (string?)i!["id"] == marker) + 1;
                var page = new JsonObject
                {
                    ["images"] = new JsonArray(images.Skip(start).Take(1).Select(i => i!.DeepClone()).ToArray()),
                    ["first"] = "/v2/images?limit=1",
                    ["schema"] = "/v2/schemas/images",
                };
                if (start < images.Count - 1)
                    page["next"] = $"/v2/images?limit=1&marker={images[start]!["id"]}";
                return Reply.Json(page);
            });
        var client = TestClients.Create(cloud);

        var result = await client.ListImagesAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(["ubuntu-22.04-dummy", "debian-12-dummy", "cirros-0.6-dummy"], result.Value.Select(i => i.Name));
        var gets = cloud.Requests.Where(r => r.Method == HttpMethod.Get).Select(r => r.Url.ToString()).ToArray();
        Assert.Equal(
            [
                "http://127.0.0.1:9292/image/v2/images?limit=1000",
                "http://127.0.0.1:9292/image/v2/images?limit=1&marker=82606fda-d75b-458f-b371-483d1caafc47",
                "http://127.0.0.1:9292/image/v2/images?limit=1&marker=a61aaf7a-192b-4dcb-83d0-827ae93677ce",
            ],
            gets);
    }

    [Fact]
    public async Task ListImagesAsync_RecordedImages_MapsFieldsAndKeepsOnlyCustomProperties()
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 9292, "/v2/images", () => Reply.Fixture("images.json"));
        var client = TestClients.Create(cloud);

        var images = (await client.ListImagesAsync()).Value!;

        Assert.Equal(3, images.Count);
        var ubuntu = images[0];
        Assert.Equal("82606fda-d75b-458f-b371-483d1caafc47", ubuntu.Id);
        Assert.Equal("ubuntu-22.04-dummy", ubuntu.Name);
        Assert.Equal(1024, ubuntu.MinRamMb);
        Assert.Equal(10, ubuntu.MinDiskGb);
        Assert.Equal("active", ubuntu.Status);
        Assert.Equal("public", ubuntu.Visibility);
        Assert.Equal(new Dictionary<string, string> { ["os_distro"] = "ubuntu" }, ubuntu.Properties);
        Assert.Null(ubuntu.KubernetesVersion);
    }

    [Fact]
    public async Task ListImagesAsync_PropertiesOfEveryJsonType_BecomeStringsAndKubeVersionIsExposed()
    {
        var body = OpenStackFixtures.Node("images.json");
        var image = body["images"]![0]!.AsObject();
        image["kube_version"] = "1.32.3-5";
        image["hw_vif_multiqueue_enabled"] = true;
        image["hw_cpu_cores"] = 4;
        image["cpu_ratio"] = 1.5;
        image["nothing"] = null;
        image["a_list"] = new JsonArray("x");
        body["images"]![1]!["name"] = null;
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 9292, "/v2/images", () => Reply.Json(body));
        var client = TestClients.Create(cloud);

        var images = (await client.ListImagesAsync()).Value!;

        var properties = images[0].Properties;
        Assert.Equal("1.32.3-5", images[0].KubernetesVersion);
        Assert.Equal("true", properties["hw_vif_multiqueue_enabled"]);
        Assert.Equal("4", properties["hw_cpu_cores"]);
        Assert.Equal("1.5", properties["cpu_ratio"]);
        Assert.False(properties.ContainsKey("nothing"));
        Assert.False(properties.ContainsKey("a_list"));
        Assert.False(properties.ContainsKey("checksum"));
        Assert.Equal("a61aaf7a-192b-4dcb-83d0-827ae93677ce", images[1].Name);
    }

    [Fact]
    public async Task ListExternalNetworksAsync_RecordedAnswer_AsksWithTheRouterExternalFilter()
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 9696, "/v2.0/networks", () => Reply.Fixture("networks_external.json"));
        var client = TestClients.Create(cloud);

        var networks = (await client.ListExternalNetworksAsync()).Value!;

        Assert.Equal([new OsNetwork("10ad62df-9159-4c62-9743-d3d42befb2a2", "public", true, "ACTIVE")], networks);
        Assert.Equal("http://127.0.0.1:9696/v2.0/networks?router:external=true", cloud.Requests.Last().Url.ToString());
    }

    [Fact]
    public async Task ListExternalNetworksAsync_ServerIgnoresTheFilter_LeavesInternalNetworksOut()
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 9696, "/v2.0/networks", () => Reply.Fixture("networks_all.json"));
        var client = TestClients.Create(cloud);

        var networks = (await client.ListExternalNetworksAsync()).Value!;

        Assert.Equal(["public"], networks.Select(n => n.Name));
    }

    [Fact]
    public async Task ListExternalNetworksAsync_PaginatedNeutron_FollowsNetworksLinks()
    {
        var all = OpenStackFixtures.Node("networks_external.json")["networks"]![0]!;
        var second = all.DeepClone();
        second["id"] = "20ad62df-9159-4c62-9743-d3d42befb2a2";
        second["name"] = "public-v6";
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 9696, "/v2.0/networks", (_, hit) => hit == 0
            ? Reply.Json(new JsonObject
            {
                ["networks"] = new JsonArray(all.DeepClone()),
                ["networks_links"] = new JsonArray(new JsonObject
                {
                    ["rel"] = "next",
                    ["href"] = "http://127.0.0.1:9696/v2.0/networks?limit=1&marker=10ad62df-9159-4c62-9743-d3d42befb2a2&router%3Aexternal=True",
                }),
            })
            : Reply.Json(new JsonObject { ["networks"] = new JsonArray(second) }));
        var client = TestClients.Create(cloud);

        var networks = (await client.ListExternalNetworksAsync()).Value!;

        Assert.Equal(["public", "public-v6"], networks.Select(n => n.Name));
        Assert.Contains("marker=10ad62df", cloud.Requests.Last().Url.Query);
    }

    [Fact]
    public async Task GetComputeLimitsAsync_AbsoluteLimits_ReturnsMaximaAndUsage()
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/limits", () => Reply.Fixture("limits.json"));
        var client = TestClients.Create(cloud);

        var limits = (await client.GetComputeLimitsAsync()).Value!;

        Assert.Equal(new ComputeLimits(10, 20, 51200, 3, 6, 12288), limits);
        Assert.Equal(7, limits.AvailableInstances);
        Assert.Equal(14, limits.AvailableCores);
        Assert.Equal(38912, limits.AvailableRamMb);
    }

    [Fact]
    public async Task GetComputeLimitsAsync_UnlimitedQuota_ReportsMinusOneAndNoAvailability()
    {
        var body = OpenStackFixtures.Node("limits.json");
        body["limits"]!["absolute"]!["maxTotalCores"] = -1;
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/limits", () => Reply.Json(body));
        var client = TestClients.Create(cloud);

        var limits = (await client.GetComputeLimitsAsync()).Value!;

        Assert.Equal(-1, limits.MaxCores);
        Assert.Null(limits.AvailableCores);
    }
}

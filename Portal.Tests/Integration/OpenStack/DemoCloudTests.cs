using Portal.Jobs;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.DemoCloud;
using Portal.Jobs.OpenStack;
using Portal.Tests.Unit.OpenStack;
using Xunit.Abstractions;

namespace Portal.Tests.Integration.OpenStack;

/// <summary>The real OpenStack client end to end against the in-process demo cloud.</summary>
public sealed class DemoCloudTests(ITestOutputHelper output)
{
    private static (DemoCloudService Demo, OpenStackClient Client) Create(
        DemoCloudOptions? options = null, OpenStackConnection? connection = null, TimeProvider? clock = null, OpenStackClientOptions? clientOptions = null)
    {
        clock ??= TimeProvider.System;
        var demo = new DemoCloudService(clock, options);
        var factory = new OpenStackClientFactory(clock, new CapturingLoggerFactory(), [new DemoOpenStackEndpoint(demo)], clientOptions ?? TestClients.FastOptions);
        return (demo, factory.CreateClient(connection ?? DemoCloudService.Connection));
    }

    [Fact]
    public async Task AuthenticateAsync_BuiltInConnection_SignsInToTheDemoProject()
    {
        var (demo, client) = Create();

        var summary = (await client.AuthenticateAsync()).Value!;

        Assert.Equal("demo", summary.ProjectName);
        Assert.Equal(["compute", "identity", "image", "network", "placement"], summary.ServiceTypes);
        Assert.Equal([DemoCloudService.Region], summary.Regions);
        Assert.True(summary.TokenExpiresAt > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal(1, demo.TokensIssued);
    }

    [Fact]
    public async Task AddOpenStackClients_ResolvedFactory_ServesTheDemoCloudInProcess()
    {
        using var provider = new ServiceCollection().AddLogging().AddDemoCloud().AddOpenStackClients().BuildServiceProvider();
        var factory = provider.GetRequiredService<IOpenStackClientFactory>();

        var result = await factory.Create(DemoCloudService.Connection).ListFlavorsAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Same(provider.GetRequiredService<OpenStackClientFactory>(), factory);
        Assert.True(provider.GetRequiredService<DemoCloudService>().RequestCount >= 2);
    }

    [Fact]
    public async Task ListCalls_SeedCatalog_IsRealisticAndMatchesTheDemoData()
    {
        var (demo, client) = Create();

        var flavors = (await client.ListFlavorsAsync()).Value!;
        var images = (await client.ListImagesAsync()).Value!;
        var networks = (await client.ListExternalNetworksAsync()).Value!;
        var limits = (await client.GetComputeLimitsAsync()).Value!;

        Assert.Equal(demo.Flavors, flavors);
        Assert.Equal(12, flavors.Count);
        Assert.Equal(["c2", "g1", "m1", "r2"], flavors.Select(f => f.Name.Split('.')[0]).Distinct().Order());
        Assert.Contains(flavors, f => f.Name == "g1.gpu.2xlarge" && !f.IsPublic);

        Assert.Equal(demo.Images.Select(i => (i.Id, i.Name, i.MinRamMb, i.MinDiskGb)), images.Select(i => (i.Id, i.Name, i.MinRamMb, i.MinDiskGb)));
        Assert.Equal(["1.31.6-2", "1.32.3-5", "1.33.1-1"], images.Select(i => i.KubernetesVersion).OfType<string>().Order());
        Assert.Equal("ubuntu-2404-kube-v1.32.3-5", images.Single(i => i.KubernetesVersion == "1.32.3-5").Name);
        Assert.Equal(["debian", "flatcar", "ubuntu"], images.Select(i => i.Properties["os_distro"]).Distinct().Order());
        Assert.All(images, i => Assert.StartsWith("Demo cloud", i.Properties["description"]));

        Assert.Equal(["public", "public-v6"], networks.Select(n => n.Name));
        Assert.All(networks, n => Assert.True(n.IsExternal));
        Assert.Equal(demo.Options.ComputeLimits, limits);
        Assert.Equal(1, demo.TokensIssued);
    }

    [Fact]
    public void DemoCloudService_TwoInstances_HaveTheSameIds()
    {
        var first = new DemoCloudService(TimeProvider.System, new DemoCloudOptions { SyntheticFlavorCount = 3, SyntheticImageCount = 3 });
        var second = new DemoCloudService(TimeProvider.System, new DemoCloudOptions { SyntheticFlavorCount = 3, SyntheticImageCount = 3 });

        Assert.Equal(first.Flavors.Select(f => f.Id), second.Flavors.Select(f => f.Id));
        Assert.Equal(first.Images.Select(i => i.Id), second.Images.Select(i => i.Id));
        Assert.Equal(first.Flavors.Count, first.Flavors.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public async Task ListCalls_FiveThousandSyntheticFlavorsAndImages_PageThroughEverythingQuickly()
    {
        var (demo, client) = Create(new DemoCloudOptions { SyntheticFlavorCount = 5000, SyntheticImageCount = 5000 });
        Assert.True((await client.AuthenticateAsync()).Succeeded);
        var before = demo.RequestCount;

        var watch = Stopwatch.StartNew();
        var flavors = (await client.ListFlavorsAsync()).Value!;
        var images = (await client.ListImagesAsync()).Value!;
        watch.Stop();
        output.WriteLine($"Listed {flavors.Count} flavors and {images.Count} images in {watch.ElapsedMilliseconds} ms ({demo.RequestCount - before} requests).");

        Assert.Equal(5012, flavors.Count);
        Assert.Equal(5007, images.Count);
        Assert.Equal(5012, flavors.Select(f => f.Id).Distinct().Count());
        Assert.Equal(5007, images.Select(i => i.Id).Distinct().Count());
        Assert.Equal(demo.Flavors.Select(f => f.Id), flavors.Select(f => f.Id));
        Assert.Equal(12, demo.RequestCount - before); // 6 pages each: five full pages of 1000 and one partial
        // Not a benchmark (see the benchmark script); a generous bound that still catches accidental quadratic paging.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task ListFlavorsAsync_SmallPages_FollowsNovaNextLinksIncludingTheFinalEmptyPage()
    {
        var (demo, client) = Create(clientOptions: TestClients.FastOptions with { PageSize = 4 });
        Assert.True((await client.AuthenticateAsync()).Succeeded);
        var before = demo.RequestCount;

        var flavors = (await client.ListFlavorsAsync()).Value!;

        Assert.Equal(demo.Flavors, flavors);
        Assert.Equal(4, demo.RequestCount - before); // 4 + 4 + 4, then the empty page Nova's last full page points at
    }

    [Fact]
    public async Task AuthenticateAsync_DemoPasswordLogin_Succeeds()
    {
        var connection = DemoCloudService.Connection with
        {
            Credential = new PasswordCredential(DemoCloudService.UserName, "Default", DemoCloudService.Password, DemoCloudService.ProjectName, "Default"),
        };
        var (_, client) = Create(connection: connection);

        var result = await client.AuthenticateAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("demo", result.Value.UserName);
    }

    [Theory]
    [InlineData("application_credential")]
    [InlineData("password")]
    [InlineData("project")]
    public async Task AuthenticateAsync_WrongDemoCredentials_IsUnauthorized(string wrong)
    {
        OpenStackCredential credential = wrong switch
        {
            "application_credential" => new ApplicationCredential(DemoCloudService.ApplicationCredentialId, "guess"),
            "password" => new PasswordCredential("demo", "Default", "guess", "demo", "Default"),
            _ => new PasswordCredential("demo", "Default", "demo", "admin", "Default"),
        };
        var (_, client) = Create(connection: DemoCloudService.Connection with { Credential = credential });

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Unauthorized, result.Error?.Kind);
        Assert.DoesNotContain("guess", result.Error!.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_WrongRegion_IsRegionMissingNamingDemo1()
    {
        var (_, client) = Create(connection: DemoCloudService.Connection with { RegionName = "RegionOne" });

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.RegionMissing, result.Error?.Kind);
        Assert.Contains("demo-1", result.Error!.Message);
    }

    [Fact]
    public async Task ListFlavorsAsync_InjectedPersistent500_IsServerErrorAfterRetries()
    {
        var (demo, client) = Create();
        demo.FailNext(HttpStatusCode.InternalServerError, "compute", count: 3);

        var result = await client.ListFlavorsAsync();

        Assert.Equal(RemoteErrorKind.ServerError, result.Error?.Kind);
        Assert.Contains("injected failure", result.Error!.Message);
        Assert.True((await client.ListFlavorsAsync()).Succeeded);
    }

    [Fact]
    public async Task ListImagesAsync_InjectedSingle503_IsRetriedAndSucceeds()
    {
        var (demo, client) = Create();
        demo.FailNext(HttpStatusCode.ServiceUnavailable, "image");

        var result = await client.ListImagesAsync();

        Assert.True(result.Succeeded, result.ToString());
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "image", RemoteErrorKind.Forbidden)]
    [InlineData(HttpStatusCode.Unauthorized, "identity", RemoteErrorKind.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound, "identity", RemoteErrorKind.NotFound)]
    [InlineData(HttpStatusCode.BadGateway, null, RemoteErrorKind.ServerError)]
    public async Task ListImagesAsync_InjectedFailure_BecomesTheMatchingErrorKind(HttpStatusCode status, string? service, RemoteErrorKind expected)
    {
        var (demo, client) = Create();
        demo.FailNext(status, service, count: 3);

        var result = await client.ListImagesAsync();

        Assert.Equal(expected, result.Error?.Kind);
    }

    [Fact]
    public async Task ListExternalNetworksAsync_TokensRevoked_AuthenticatesAgainTransparently()
    {
        var (demo, client) = Create();
        Assert.True((await client.AuthenticateAsync()).Succeeded);
        demo.RevokeAllTokens();

        var result = await client.ListExternalNetworksAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(2, demo.TokensIssued);
    }

    [Fact]
    public async Task ListFlavorsAsync_TokenLifetimeNearlyOver_RenewsBeforeUsingIt()
    {
        var clock = new OpenStackTestClock(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var (demo, client) = Create(clock: clock);
        Assert.True((await client.ListFlavorsAsync()).Succeeded);

        clock.Advance(TimeSpan.FromMinutes(50));
        Assert.True((await client.ListFlavorsAsync()).Succeeded);
        Assert.Equal(1, demo.TokensIssued);

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.True((await client.ListFlavorsAsync()).Succeeded);
        Assert.Equal(2, demo.TokensIssued);
    }

    [Fact]
    public async Task Handler_RawRequests_AnswerWithTheRealServicesShapes()
    {
        var demo = new DemoCloudService(TimeProvider.System);
        using var http = new HttpClient(demo.Handler, disposeHandler: false);
        const string host = $"https://{DemoCloudService.Host}";

        using var noToken = await http.GetAsync($"{host}:8774/v2.1/flavors/detail");
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Contains("Keystone uri=", noToken.Headers.WwwAuthenticate.ToString());

        var request = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("application_credential"),
                    ["application_credential"] = new JsonObject
                    {
                        ["id"] = DemoCloudService.ApplicationCredentialId,
                        ["secret"] = DemoCloudService.ApplicationCredentialSecret,
                    },
                },
            },
        };
        using var login = await http.PostAsync($"{host}:5000/v3/auth/tokens",
            new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, login.StatusCode);
        var token = login.Headers.GetValues("X-Subject-Token").Single();
        var tokenBody = JsonNode.Parse(await login.Content.ReadAsStringAsync())!["token"]!;
        Assert.Equal("application_credential", (string?)tokenBody["methods"]![0]);
        Assert.EndsWith("Z", (string?)tokenBody["expires_at"]);
        http.DefaultRequestHeaders.Add("X-Auth-Token", token);

        var flavors = JsonNode.Parse(await http.GetStringAsync($"{host}:8774/v2.1/flavors/detail?limit=5"))!;
        Assert.Equal(5, flavors["flavors"]!.AsArray().Count);
        Assert.NotNull(flavors["flavors"]![0]!["os-flavor-access:is_public"]);
        var next = (string?)flavors["flavors_links"]![0]!["href"];
        Assert.Equal($"{host}:8774/v2.1/flavors/detail?limit=5&marker={flavors["flavors"]![4]!["id"]}", next);

        var images = JsonNode.Parse(await http.GetStringAsync($"{host}:9292/v2/images?limit=3"))!;
        Assert.Equal(3, images["images"]!.AsArray().Count);
        Assert.Equal($"/v2/images?limit=3&marker={images["images"]![2]!["id"]}", (string?)images["next"]);
        Assert.Equal("/v2/images", (string?)images["first"]);

        using var badMarker = await http.GetAsync($"{host}:8774/v2.1/flavors/detail?marker=nope");
        Assert.Equal(HttpStatusCode.BadRequest, badMarker.StatusCode);
        Assert.Contains("marker [nope] not found", await badMarker.Content.ReadAsStringAsync());

        using var neutronRoot = await http.GetAsync($"{host}:9696/v2.0");
        Assert.Equal(HttpStatusCode.NotFound, neutronRoot.StatusCode);
        var all = JsonNode.Parse(await http.GetStringAsync($"{host}:9696/v2.0/networks"))!["networks"]!.AsArray();
        Assert.Equal(3, all.Count);

        var limits = JsonNode.Parse(await http.GetStringAsync($"{host}:8774/v2.1/limits"))!;
        Assert.Equal(50, (int)limits["limits"]!["absolute"]!["maxTotalInstances"]!);
    }

    [Fact]
    public async Task Handler_OtherHostOrPort_FailsLikeTheNetworkWould()
    {
        var demo = new DemoCloudService();
        using var http = new HttpClient(demo.Handler, disposeHandler: false);

        var dns = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("https://keystone.example.com:5000/v3"));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"https://{DemoCloudService.Host}:1234/"));

        Assert.Equal(HttpRequestError.NameResolutionError, dns.HttpRequestError);
        Assert.Equal(HttpRequestError.ConnectionError, refused.HttpRequestError);
    }

    [Fact]
    public async Task Create_NonDemoHost_DoesNotUseTheDemoCloud()
    {
        var demo = new DemoCloudService();
        var factory = new OpenStackClientFactory(TimeProvider.System, LoggerFactory.Create(_ => { }), [new DemoOpenStackEndpoint(demo)], TestClients.FastOptions);
        var connection = DemoCloudService.Connection with { AuthUrl = new Uri($"http://127.0.0.1:{Loopback.ClosedPort()}/v3") };

        var result = await factory.Create(connection).AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Unreachable, result.Error?.Kind);
        Assert.Equal(0, demo.RequestCount);
    }
}
